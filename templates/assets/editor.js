// The editors' scripts: live preview of Markdown as customers will see it.
