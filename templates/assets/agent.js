// The agents' scripts: inbox selection for bulk actions, article links in replies.
