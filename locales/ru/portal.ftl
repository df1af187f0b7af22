# Answerdesk, интерфейс для клиентов: русский язык (ru).

## Макет страницы

skip-to-content = Перейти к содержимому
site-navigation = Сайт
help-centre = Справочный центр
contact-support = Связаться с поддержкой
footer-question = Не нашли то, что искали?
footer-contact = Напишите в поддержку, и мы вам ответим.
powered-by = { $site } · работает на Answerdesk
language-switcher = Язык

## Поиск и списки

search-label = Поиск по справочному центру
search-placeholder = Опишите проблему, например: «Не получается войти»
search-in-category-label = Поиск в разделе «{ $category }»
search-in-category-placeholder = Поиск в разделе «{ $category }»
category-sections = Разделы
category-other-articles = Другие статьи
search-button = Найти
breadcrumb = Навигационная цепочка
no-articles-yet = Статей пока нет.
article-count =
    { $count ->
        [one] { $count } статья
        [few] { $count } статьи
        [many] { $count } статей
       *[other] { $count } статьи
    }

## Главная

home-title = Чем мы можем помочь?
home-lead = Поищите ответ в наших статьях или выберите раздел ниже.
browse-by-topic = Разделы справки
no-articles-in-language = На этом языке статей пока нет.
popular-articles = Популярные статьи
recently-updated = Недавно обновлённые
still-stuck = Остались вопросы?
still-stuck-text = Расскажите, что случилось. Пока вы печатаете, мы будем предлагать подходящие ответы, а если ни один не подойдёт, с вами свяжется наша команда.

## Статья

article-updated = Обновлено
other-languages = Эта статья на других языках
also-in = Другие языки:
not-translated = Эта статья пока недоступна на языке: { $language }. Вот она на языке: { $original }.
request-banner = Ваше обращение
request-banner-text = Вы открыли эту статью из своего обращения. Она помогла решить проблему?
solved-button = Да, проблема решена
back-to-request = Нет, вернуться к обращению
feedback-thanks = Спасибо за отзыв!
feedback-question = Эта статья ответила на ваш вопрос?
on-this-page = На этой странице
missing-title = Жаль, что статья не помогла. Чего в ней не хватило?
missing-label = Что вы искали? (необязательно)
missing-hint = Ваш отзыв получат авторы статей. Пожалуйста, не указывайте личные данные.
missing-send = Отправить отзыв
answer-yes = Да
answer-no = Нет
related-articles = Похожие статьи
no-related-articles = Похожих статей нет.
didnt-find-answer = Не нашли ответ?

## Результаты поиска

search-title = Поиск
search-title-query = Поиск: { $query }
results-for = Результаты по запросу «{ $query }»
topic = Раздел
all-topics = Все разделы
filter-button = Применить
results-none = По вашему запросу ничего не найдено.
results-count =
    { $total ->
        [1] Найдена { $total } статья.
        [one] Показаны { $first }–{ $last } из { $total } статьи.
        [few] Показаны { $first }–{ $last } из { $total } статей.
        [many] Показаны { $first }–{ $last } из { $total } статей.
       *[other] Показаны { $first }–{ $last } из { $total } статьи.
    }
result-pages = Страницы результатов
page-previous = Предыдущая
page-next = Следующая
no-results-hint = Попробуйте сократить запрос или изменить формулировку, а также проверьте написание.
send-question = Отправьте нам свой вопрос, и мы вам ответим.

## Ошибки

error-not-found-title = Не удалось найти эту страницу
error-not-found-text = Возможно, ссылка устарела или статья переехала. Попробуйте воспользоваться поиском:
back-to-help-centre = Вернуться в справочный центр
error-title-400 = Не удалось обработать запрос
error-title-403 = Доступ запрещён
error-title-404 = Страница не найдена
error-title-409 = Данные успели измениться
error-title-413 = Слишком большой объём данных
error-title-422 = Проверьте введённые данные
error-title-429 = Слишком много запросов
error-title-500 = Что-то пошло не так
error-title-503 = Временно недоступно
error-title-other = Что-то пошло не так
error-internal = На нашей стороне произошла ошибка.
error-expired-form = Срок действия формы истёк. Вернитесь назад, обновите страницу и попробуйте ещё раз.

## Форма обращения

request-lead = Расскажите, что случилось. Пока вы печатаете, мы покажем статьи, в которых, возможно, уже есть ответ.
request-check-fields = Проверьте выделенные поля. Всё, что вы ввели, сохранено.
field-name = Ваше имя
field-optional = (необязательно)
field-email = Адрес электронной почты
field-topic = Раздел
choose-topic = Выберите раздел
field-subject = Тема
field-description = Чем мы можем помочь?
send-request = Отправить обращение
suggestions-title = Статьи, которые могут помочь
suggestions-hint = Начните вводить вопрос, и здесь появятся подходящие ответы.
notice-form-expired = В целях безопасности срок действия формы истёк. Ваш текст сохранён ниже — отправьте его ещё раз.
notice-rate-limited = Вы отправили несколько обращений за короткое время. Ваш текст сохранён ниже — попробуйте ещё раз через несколько минут.
notice-draft-too-long = Некоторые поля длиннее, чем допускает обращение, поэтому эта версия не сохранена. Пожалуйста, сократите их.
notice-draft-resumed = Это обращение, которое вы начали и ещё не отправили, — в том виде, в каком вы его оставили.
draft-resumed-start-over = Начать новое обращение
notice-draft-rate-limited = С этого адреса обращение сохраняется слишком часто. Ваш текст остаётся в форме: сохранение возобновится через несколько минут.
error-email-missing = Укажите адрес электронной почты, чтобы мы могли вам ответить.
error-email-invalid = Это не похоже на адрес электронной почты. Проверьте его.
error-subject-missing = Укажите короткую тему.
error-subject-too-long = Тема должна быть короче 200 символов.
error-description-missing = Опишите проблему.
error-description-too-long = Описание должно быть короче 20 000 символов (длинные логи разместите в другом месте).
error-name-too-long = Имя должно быть короче 200 символов.
error-category-unknown = Неизвестный раздел.

## Проверка перед отправкой

review-page-title = Перед отправкой
review-title = Возможно, в этих статьях есть ответ на ваш вопрос
review-lead = Прежде чем мы передадим обращение нашей команде, посмотрите: возможно, ответ уже здесь.
submit-anyway = Нет, отправить обращение
edit-request = Изменить обращение
solved-page-title = Рады, что смогли помочь
solved-title = Отлично, рады, что это помогло!
solved-article = Рады, что статья «{ $title }» ответила на ваш вопрос.
solved-generic = Рады, что вы нашли ответ.
solved-nothing-more = Обращение не было отправлено, так что больше ничего делать не нужно.

## Подсказки при вводе (скрипт)

suggest-list-label = Предлагаемые статьи
suggest-none = Подсказок нет.
suggest-available =
    { $count ->
        [one] Доступна { $count } подсказка. Выберите нужную с помощью клавиш со стрелками.
        [few] Доступны { $count } подсказки. Выберите нужную с помощью клавиш со стрелками.
        [many] Доступно { $count } подсказок. Выберите нужную с помощью клавиш со стрелками.
       *[other] Доступно { $count } подсказки. Выберите нужную с помощью клавиш со стрелками.
    }
suggest-panel-empty = Подходящих статей пока нет. Продолжайте вводить текст или отправьте обращение.

## Страница статуса обращения

ticket-page-title = Обращение { $reference }
ticket-request = Обращение
ticket-sent = отправлено { $date }
ticket-status = Статус
ticket-priority = Приоритет
status-new = Новое
status-open = Открыто
status-answered = Дан ответ
status-postponed = Отложено
status-resolved = Решено
status-closed = Закрыто
priority-low = Низкий
priority-medium = Средний
priority-high = Высокий
priority-urgent = Срочный
private-link = Не публикуйте ссылку на эту страницу: прочитать её может любой, у кого есть ссылка. Ваша ссылка:
conversation = Переписка
add-reply = Добавить ответ
send-reply = Отправить ответ
reply-not-sent = Ваш ответ не отправлен. Вот его текст — скопируйте его в новое обращение:
request-closed = Это обращение закрыто.
start-new-request = Если вам всё ещё нужна помощь, создайте новое обращение.
follow-up-to = Продолжение обращения { $reference }
rating-title = Как мы справились?
rating-comment = Комментарий
rating-good = Хорошо
rating-bad = Плохо
rated =
    { $rating ->
        [good] Вы оценили нашу поддержку на «хорошо». Спасибо!
       *[bad] Вы оценили нашу поддержку на «плохо». Спасибо за отзыв.
    }
notice-filed = Ваше обращение отправлено. Сохраните эту личную ссылку, чтобы следить за ним; мы также отправили её вам по электронной почте.
request-sent-title = Это обращение уже отправлено
request-sent-text = Личную ссылку, чтобы следить за ним, мы отправили вам по электронной почте. Если нужна помощь с чем-то ещё, создайте новое обращение.
request-sent-new = Создать новое обращение
notice-replied = Ваш ответ добавлен.
notice-rated = Спасибо, что оценили нашу поддержку.

## Даты

date-long = { $day } { $month } { $year } г.
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря

## Help centre in a language with fewer articles
more-in-english = Другие статьи на английском
more-in-english-text = Эти разделы переведены ещё не полностью; переведённые статьи откроются на русском.

## Error pages for customers
error-text-400 = Не удалось разобрать запрос. Вернитесь назад и попробуйте ещё раз.
error-text-403 = Эта страница Вам недоступна. Если Вы заполняли форму, обновите страницу и попробуйте снова.
error-text-404 = Возможно, ссылка устарела или статья переехала.
error-text-409 = Пока Вы работали, кто-то внёс изменения. Обновите страницу.
error-text-413 = Отправленные данные слишком велики. Сократите их и попробуйте ещё раз.
error-text-422 = Проверьте введённые данные и попробуйте ещё раз.
error-text-429 = За короткое время отправлено слишком много запросов. Подождите несколько минут и попробуйте снова.
error-text-500 = На нашей стороне произошла ошибка. Попробуйте ещё раз чуть позже.
error-text-503 = Сервис ненадолго недоступен. Попробуйте ещё раз через несколько минут.
error-text-other = Что-то пошло не так. Попробуйте ещё раз.

## Replies on the status page
error-reply-empty = Сначала напишите ответ.
error-reply-too-long = Ответ должен быть короче 20 000 символов.
error-request-closed = Это обращение закрыто. Создайте новое обращение; в нём можно указать номер этого.
error-not-resolved-yet = Оценить поддержку можно, когда обращение будет решено.

## A moment: a date and a time of day (UTC)
date-time = { $date }, { $time }

## Finding one's requests again (the private links, by email)
find-requests-title = Найти свои обращения
find-requests-intro = Потеряли ссылку на обращение? Укажите адрес электронной почты, который вы использовали, и мы пришлём ссылки на ваши открытые обращения.
find-requests-send = Прислать ссылки
find-requests-sent-title = Проверьте почту
find-requests-sent = Если у адреса { $email } есть открытые обращения, письмо со ссылками уже в пути. Это может занять несколько минут; загляните и в папку «Спам».
find-requests-new = Новый вопрос?
find-requests-link = Потеряли ссылку на обращение?
