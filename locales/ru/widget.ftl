# Виджет помощи на сайтах клиентов: кнопка и панель.

widget-launcher = Помощь
widget-dialog-label = Помощь
widget-close = Закрыть помощь
widget-back = Назад
widget-search-label = Чем мы можем помочь?
widget-search-placeholder = Опишите вашу проблему
widget-suggestions-title = Статьи, которые могут помочь
widget-no-suggestions = Подходящих статей пока нет. Продолжайте писать или обратитесь в поддержку.
widget-for-page-title = Рекомендуем для этой страницы
widget-did-it-help = Эта статья ответила на ваш вопрос?
widget-solved = Да, это решило мою проблему
widget-not-solved = Нет, написать в поддержку
widget-solved-thanks = Рады, что помогло!
widget-solved-text = Спасибо, что сообщили. Эту панель можно закрыть.
widget-contact = Написать в поддержку
widget-form-title = Написать в поддержку
widget-send = Отправить запрос
widget-review-title = Перед отправкой: может быть, одна из этих статей отвечает на ваш вопрос?
widget-review-file = Нет, отправить мой запрос
widget-filed-title = Ваш запрос отправлен
widget-filed-reference = Номер вашего запроса:
widget-status-link = Следить за запросом (откроется в новой вкладке)
widget-error = Что-то пошло не так. Ваш текст сохранён здесь: попробуйте ещё раз.
