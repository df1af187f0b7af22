# Answerdesk customer emails: English, the reference catalogue.
# Every other catalogue has exactly these keys (a test checks it). The emails are plain text;
# templates/emails/ puts these lines in order. Each email greets and signs once: an agent's
# reply is inserted between the greeting and the signature as typed.

## Every email

email-greeting = Hello { $name },
email-sign-off = Kind regards,
email-team = The { $site } team

## Confirmation: the request was filed

email-confirmation-subject = [{ $reference }] We received your request: { $subject }
email-confirmation-received = Thank you for contacting { $site }. We received your request { $reference } on { $date }, and our team will get back to you.
email-confirmation-follow = Follow its status or add information here:
email-confirmation-your-message = Your message:

## An agent's reply

email-reply-subject = [{ $reference }] Re: { $subject }
email-reply-follow = Reply or follow your request { $reference } here:
email-reply-resolved = We have marked your request { $reference } as resolved.

## Resolved, with the rating request

email-resolved-subject = [{ $reference }] Your request has been resolved: { $subject }
email-resolved-text = We marked your request { $reference } as resolved on { $date }.
email-resolved-reopen = If something is still not right, reply on your request's page and it will reopen:
email-rating-request = How did we do? Rate our support in one click:

## The links of a customer's requests, sent again
email-lost-links-subject = Your requests at { $site }
email-lost-links-intro = You asked for the links to your requests at { $site }. Here are the ones that are still open:
email-lost-links-private = Each link opens your request without a password: keep this email to yourself. If you did not ask for it, you can ignore it.
