# Answerdesk, письма клиентам: русский язык (ru).
# К клиенту обращаемся на «Вы» с прописной буквы: письмо адресовано одному человеку.

## Все письма

email-greeting = Здравствуйте, { $name }!
email-sign-off = С уважением,
email-team = Команда { $site }

## Подтверждение: обращение принято

email-confirmation-subject = [{ $reference }] Мы получили Ваше обращение: { $subject }
email-confirmation-received = Спасибо, что обратились в службу поддержки { $site }. Ваше обращение { $reference } получено { $date }, наши специалисты ответят Вам в ближайшее время.
email-confirmation-follow = Следить за статусом обращения и дополнять его можно здесь:
email-confirmation-your-message = Ваше сообщение:

## Ответ сотрудника поддержки

email-reply-subject = [{ $reference }] Re: { $subject }
email-reply-follow = Ответить или следить за обращением { $reference } можно здесь:
email-reply-resolved = Мы отметили Ваше обращение { $reference } как решённое.

## Обращение решено, просьба оценить поддержку

email-resolved-subject = [{ $reference }] Ваше обращение решено: { $subject }
email-resolved-text = { $date } мы отметили Ваше обращение { $reference } как решённое.
email-resolved-reopen = Если что-то по-прежнему не так, ответьте на странице обращения, и оно снова откроется:
email-rating-request = Как мы справились? Оцените, пожалуйста, нашу поддержку — это займёт всего один клик:

## The links of a customer's requests, sent again
email-lost-links-subject = Ваши обращения в { $site }
email-lost-links-intro = Вы запросили ссылки на свои обращения в { $site }. Вот те, что ещё не закрыты:
email-lost-links-private = Каждая ссылка открывает обращение без пароля: не пересылайте это письмо. Если вы его не запрашивали, просто проигнорируйте его.
