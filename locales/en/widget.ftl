# The help widget on customers' own sites: the launcher and the panel.

widget-launcher = Help
widget-dialog-label = Help
widget-close = Close help
widget-back = Back
widget-search-label = How can we help?
widget-search-placeholder = Describe your problem
widget-suggestions-title = Articles that may help
widget-no-suggestions = No matching articles yet. Keep typing, or contact support.
widget-for-page-title = Suggested for this page
widget-did-it-help = Did this answer your question?
widget-solved = Yes, this solved my problem
widget-not-solved = No, contact support
widget-solved-thanks = Glad it helped!
widget-solved-text = Thanks for letting us know. You can close this panel.
widget-contact = Contact support
widget-form-title = Contact support
widget-send = Send request
widget-review-title = Before you send it: does one of these answer your question?
widget-review-file = No, send my request
widget-filed-title = Your request has been sent
widget-filed-reference = Your reference:
widget-status-link = Follow your request (opens in a new tab)
widget-error = Something went wrong. Your text is still here: please try again.
