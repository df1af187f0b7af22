# Files attached to requests and replies.
field-attachments = Files
attachments-hint = Up to { $count } files: screenshots and other images, PDF, text and log files, CSV, office documents. At most { $size } each, { $total } together.
attachment-remove = Remove
attachments-kept = Files kept with your request:
review-files-kept = Your files are kept with your request:
attachment-chosen-remove = Remove { $name }
attachment-pasted-name = pasted-screenshot.png
error-attachment-too-large = A file is larger than allowed. Choose a smaller one; nothing was attached.
error-attachments-too-large = The files together are larger than allowed. Send fewer or smaller files; nothing was attached.
error-attachments-too-many = Too many files for one message. Choose fewer; nothing was attached.
error-attachment-type = A file is of a type we cannot accept. Attach images, PDF, text or log files, CSV or office documents; nothing was attached.
error-attachment-empty = A file is empty. Choose it again or leave it out; nothing was attached.
error-attachment-truncated = The upload stopped before it finished. Please choose the files again.
error-attachments-rate-limited = Too many files were sent from your connection. Please try again in an hour.
