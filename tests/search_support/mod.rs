//! A small hand-made help-centre corpus shared by the integration tests.
#![allow(dead_code)]

use answerdesk::search::{ArticleDocument, SearchIndex, SuggestRequest, Suggestion};

pub fn article(id: &str, lang: &str, category: &str, title: &str, body: &str) -> ArticleDocument {
    ArticleDocument {
        id: id.to_string(),
        title: title.to_string(),
        body: body.to_string(),
        category: category.to_string(),
        lang: lang.to_string(),
        published: true,
        ..Default::default()
    }
}

pub fn help_centre() -> Vec<ArticleDocument> {
    let mut reset = article(
        "reset-password",
        "en",
        "account",
        "Reset your password",
        "If you forgot your password or cannot log in to your account, open the sign-in page and \
         choose Forgot password. We email you a reset link that is valid for one hour. \
         <script>alert('x')</script> Check your spam folder if the email does not arrive.",
    );
    reset.aliases = vec!["I forgot my password".into(), "I can't sign in".into()];
    reset.headings = vec!["Send a reset link".into()];
    reset.tags = vec!["login".into()];

    let mut twice = article(
        "charged-twice",
        "en",
        "billing",
        "Why was I charged twice?",
        "A second charge is usually a pending authorization that disappears within a few days. \
         If both payments went through, we refund the duplicate payment to your card.",
    );
    twice.aliases = vec![
        "Duplicate charge on my card".into(),
        "Double payment".into(),
    ];

    let mut stripe = article(
        "connect-stripe",
        "en",
        "integrations",
        "Connect Stripe",
        "Go to Settings, then Payments, and click Connect Stripe so customers can pay invoices \
         online with a card.",
    );
    stripe.aliases = vec!["Accept card payments with Stripe".into()];

    vec![
        reset,
        twice,
        stripe,
        article(
            "export-invoices",
            "en",
            "billing",
            "Export invoices to CSV",
            "Invoices you created yesterday or earlier can be exported. Yesterday's invoices \
             appear after midnight. Open Invoices and click Export.",
        ),
        article(
            "payment-reminders",
            "en",
            "billing",
            "Send automatic payment reminders",
            "Reminders go out the day after an invoice is due, so an invoice due yesterday gets \
             its first payment reminder today.",
        ),
        article(
            "pass-fees",
            "en",
            "billing",
            "Pass card fees to customers",
            "You can pass the processing fee on to the customer as a surcharge line.",
        ),
        article(
            "lv-paroles",
            "lv",
            "account",
            "Paroles atiestatīšana",
            "Ja esat aizmirsis paroli, atveriet pieteikšanās lapu un izvēlieties Aizmirsu paroli. \
             Mēs nosūtīsim saiti paroles maiņai uz jūsu e-pastu.",
        ),
        article(
            "ru-sbros",
            "ru",
            "account",
            "Сброс пароля",
            "Если вы забыли пароль, откройте страницу входа и нажмите «Забыли пароль». \
             Мы отправим ссылку для сброса пароля на вашу почту.",
        ),
        article(
            "sl-geslo",
            "sl",
            "account",
            "Ponastavitev gesla",
            "Če ste pozabili geslo, odprite stran za prijavo in izberite Pozabljeno geslo. \
             Poslali vam bomo povezavo za novo geslo.",
        ),
        article(
            "lt-slaptazodis",
            "lt",
            "account",
            "Slaptažodžio atkūrimas",
            "Jei pamiršote slaptažodį, atidarykite prisijungimo puslapį ir pasirinkite \
             Pamiršau slaptažodį.",
        ),
        article(
            "hr-zaporka",
            "hr",
            "account",
            "Žaporka i prijava",
            "Ako ste zaboravili žaporku, otvorite stranicu za prijavu.",
        ),
        ArticleDocument {
            published: false,
            ..article(
                "draft-password",
                "en",
                "account",
                "Password reset (draft)",
                "Unpublished draft about password resets.",
            )
        },
    ]
}

pub async fn help_index() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("in-memory index");
    index.rebuild(help_centre()).await.expect("rebuild");
    index
}

pub fn req(text: &str) -> SuggestRequest<'_> {
    SuggestRequest {
        text,
        lang: None,
        category: None,
        limit: 5,
        offset: 0,
    }
}

pub fn ids(hits: &[Suggestion]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}
