# Answerdesk customer interface: English, the reference catalogue.
# Every other catalogue has exactly these keys (a test checks it).

## Layout

skip-to-content = Skip to content
site-navigation = Site
help-centre = Help centre
contact-support = Contact support
footer-question = Can't find what you need?
footer-contact = Contact support and we'll get back to you.
powered-by = { $site } · powered by Answerdesk
language-switcher = Language

## Search box and lists

search-label = Search the help centre
search-placeholder = Describe your problem, e.g. “I can't sign in”
search-in-category-label = Search in { $category }
search-in-category-placeholder = Search in { $category }
category-sections = Sections
category-other-articles = Other articles
search-button = Search
breadcrumb = Breadcrumb
no-articles-yet = No articles yet.
article-count =
    { $count ->
        [one] { $count } article
       *[other] { $count } articles
    }

## Home

home-title = How can we help?
home-lead = Search our articles, or browse by topic below.
browse-by-topic = Browse by topic
no-articles-in-language = There are no articles in this language yet.
popular-articles = Popular articles
recently-updated = Recently updated
still-stuck = Still stuck?
still-stuck-text = Tell us what's going on. We'll suggest answers as you type, and if none fits, our team will get back to you.

## Article

article-updated = Updated
other-languages = This article in other languages
also-in = Also in:
not-translated = This article is not yet available in { $language }. Here it is in { $original }.
request-banner = Your support request
request-banner-text = You opened this article from your support request. Did it solve your problem?
solved-button = Yes, this solved my problem
back-to-request = No, back to my request
feedback-thanks = Thanks for your feedback!
feedback-question = Did this answer your question?
on-this-page = On this page
missing-title = Sorry this didn't help. What was missing?
missing-label = What were you looking for? (optional)
missing-hint = Your note goes to the people who write these articles. Please leave out personal details.
missing-send = Send note
answer-yes = Yes
answer-no = No
related-articles = Related articles
no-related-articles = No related articles.
didnt-find-answer = Didn't find your answer?

## Search results

search-title = Search
search-title-query = Search: { $query }
results-for = Results for “{ $query }”
topic = Topic
all-topics = All topics
filter-button = Filter
results-none = No articles match your search.
results-count =
    { $total ->
        [one] { $total } article found.
       *[other] Showing { $first }–{ $last } of { $total } articles.
    }
result-pages = Result pages
page-previous = Previous
page-next = Next
no-results-hint = Try fewer or different words, or check the spelling.
send-question = Send us your question and we'll get back to you.

## Errors

error-not-found-title = We couldn't find that page
error-not-found-text = The link may be old, or the article may have moved. Try searching instead:
back-to-help-centre = Back to the help centre
error-title-400 = The request could not be read
error-title-403 = Not allowed
error-title-404 = Page not found
error-title-409 = Changed in the meantime
error-title-413 = Too large
error-title-422 = Please check what you entered
error-title-429 = Too many requests
error-title-500 = Something went wrong
error-title-503 = Temporarily unavailable
error-title-other = Something went wrong
error-internal = Something went wrong on our side.
error-expired-form = This form has expired. Please go back, reload the page and try again.

## Request form

request-lead = Tell us what's going on. While you type, we'll show articles that may already have the answer.
request-check-fields = Please check the highlighted fields. Everything you typed is kept.
field-name = Your name
field-optional = (optional)
field-email = Email address
field-topic = Topic
choose-topic = Choose a topic
field-subject = Subject
field-description = How can we help?
send-request = Send request
suggestions-title = Articles that may help
suggestions-hint = Start typing your question and we'll suggest answers here.
notice-form-expired = For your security this form expired. Your text is kept below: please submit it again.
notice-rate-limited = You have sent several requests in a short time. Your text is saved below: please try again in a few minutes.
notice-draft-too-long = Some fields are longer than a request can hold, so this version was not saved. Please shorten them.
notice-draft-resumed = Here is the request you started and have not sent yet, as you left it.
draft-resumed-start-over = Start a new request instead
notice-draft-rate-limited = Your request is being saved very often from this address. Your text stays in the form: saving resumes in a few minutes.
error-email-missing = Please enter your email address so we can reply.
error-email-invalid = This doesn't look like an email address; please check it.
error-subject-missing = Please add a short subject.
error-subject-too-long = Please keep the subject under 200 characters.
error-description-missing = Please describe the problem.
error-description-too-long = Please keep the description under 20,000 characters (attach long logs elsewhere).
error-name-too-long = Please keep the name under 200 characters.
error-category-unknown = Unknown category.

## Review step and deflection

review-page-title = Before you send
review-title = These articles may answer your question
review-lead = Before we pass your request to our team, have a look: the answer might be right here.
submit-anyway = No, submit my request
edit-request = Edit my request
solved-page-title = Glad we could help
solved-title = Great, glad that helped!
solved-article = We're happy “{ $title }” answered your question.
solved-generic = We're happy you found your answer.
solved-nothing-more = Your request was not sent, so there's nothing more to do.

## Live suggestions (script)

suggest-list-label = Suggested articles
suggest-none = No suggestions.
suggest-available =
    { $count ->
        [one] { $count } suggestion available. Use the arrow keys to choose.
       *[other] { $count } suggestions available. Use the arrow keys to choose.
    }
suggest-panel-empty = No matching articles yet. Keep typing, or send your request.

## Ticket status page

ticket-page-title = Request { $reference }
ticket-request = Request
ticket-sent = sent { $date }
ticket-status = Status
ticket-priority = Priority
status-new = New
status-open = Open
status-answered = Answered
status-postponed = Postponed
status-resolved = Resolved
status-closed = Closed
priority-low = Low
priority-medium = Medium
priority-high = High
priority-urgent = Urgent
private-link = This page is private: anyone with its link can read it. Your link:
conversation = Conversation
add-reply = Add a reply
send-reply = Send reply
reply-not-sent = Your reply was not sent. Here it is, so you can copy it into a new request:
request-closed = This request is closed.
start-new-request = Start a new request if you still need help.
follow-up-to = Follow-up to { $reference }
rating-title = How did we do?
rating-comment = Comment
rating-good = Good
rating-bad = Bad
rated =
    { $rating ->
        [good] You rated our support: good. Thank you.
       *[bad] You rated our support: bad. Thank you.
    }
notice-filed = Your request has been sent. Keep this private link to follow it; we have emailed it to you too.
request-sent-title = This request has been sent
request-sent-text = We have emailed you the private link to follow it. If you need help with something else, start a new request.
request-sent-new = Start a new request
notice-replied = Your reply has been added.
notice-rated = Thank you for rating our support.

## Dates

date-long = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Help centre in a language with fewer articles
more-in-english = More articles in English
more-in-english-text = These topics are not fully translated yet; articles that are translated open in your language.

## Error pages for customers
error-text-400 = We could not understand this request. Please go back and try again.
error-text-403 = This page is not available to you. If you were filling in a form, reload the page and try again.
error-text-404 = The link may be old, or the article may have moved.
error-text-409 = Someone changed this in the meantime. Please reload the page.
error-text-413 = What you sent is too large. Please shorten it and try again.
error-text-422 = Please check what you entered and try again.
error-text-429 = You have sent a lot of requests in a short time. Please wait a few minutes and try again.
error-text-500 = Something went wrong on our side. Please try again in a moment.
error-text-503 = This service is briefly unavailable. Please try again in a few minutes.
error-text-other = Something went wrong. Please try again.

## Replies on the status page
error-reply-empty = Please write a reply first.
error-reply-too-long = Please keep your reply under 20,000 characters.
error-request-closed = This request is closed. Please start a new request; you can mention its reference.
error-not-resolved-yet = You can rate the support once your request is resolved.

## A moment: a date and a time of day (UTC)
date-time = { $date }, { $time }

## Finding one's requests again (the private links, by email)
find-requests-title = Find your requests
find-requests-intro = Lost the link to a request? Enter the email address you used, and we will email you the links to your open requests.
find-requests-send = Email me the links
find-requests-sent-title = Check your inbox
find-requests-sent = If { $email } has open requests with us, an email with their links is on its way. It can take a few minutes; look in your spam folder too.
find-requests-new = Something new?
find-requests-link = Lost the link to your request?
