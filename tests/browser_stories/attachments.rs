//! Stories about attached files.

use super::*;

/// A one-pixel PNG, as a screenshot would be.
pub(super) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_a_customer_attaches_a_screenshot_to_a_request_and_sees_it_on_the_status_page() {
    let browser = Browser::start_phone().await;
    let mut portal = Portal::start().await;
    let files = tempfile::tempdir().expect("temp dir");
    let chosen = files.path().join("wrong-window.png");
    std::fs::write(&chosen, PNG).expect("write the chosen file");

    browser.goto(&portal.url("/en/request/new")).await;
    browser.wait_for_css("form#request-form").await;
    browser.type_into("#email", "eva@example.com").await;
    browser
        .type_into("#subject", "Export button shows a blank window")
        .await;
    browser
        .type_into(
            "#description",
            "After clicking Export the window stays blank.",
        )
        .await;

    // The suggestions for what she typed arrive first: on a phone their panel sits right
    // under the description, so until then the file list below it could still move.
    browser
        .wait_for_css("#suggestions-panel li[data-slug='something-went-wrong-error']")
        .await;

    // She picks a file from the phone's gallery: it is listed with its size.
    let input = browser.wait_for_css("#attachments").await;
    input
        .send_keys(&chosen.display().to_string())
        .await
        .expect("choose a file");
    browser
        .wait_for_xpath("//ul[@class='chosen-files']/li[contains(., 'wrong-window.png')]")
        .await;

    // Then pastes the right screenshot into the form, and removes the wrong one.
    let paste = format!(
        "const bytes = new Uint8Array({PNG:?});
         const transfer = new DataTransfer();
         transfer.items.add(new File([bytes], 'image.png', {{ type: 'image/png' }}));
         document.getElementById('description').dispatchEvent(
           new ClipboardEvent('paste', {{ clipboardData: transfer, bubbles: true, cancelable: true }}));
         return true;"
    );
    browser.script(&paste).await;
    browser
        .wait_for_xpath("//ul[@class='chosen-files']/li[contains(., 'pasted-screenshot.png')]")
        .await;
    browser
        .click_css("ul.chosen-files li:first-child button")
        .await;
    let listed = browser
        .script(
            "return [document.querySelectorAll('ul.chosen-files li').length,
                     document.getElementById('attachments').files.length,
                     document.getElementById('attachments').files[0].name];",
        )
        .await;
    assert_eq!(listed, serde_json::json!([1, 1, "pasted-screenshot.png"]));

    browser.click_button("Send request").await;
    let review_title = "These articles may answer your question";
    let landed = browser
        .wait_for_xpath(&format!(
            "//strong[contains(@class, 'reference')] | //h1[contains(., '{review_title}')]"
        ))
        .await;
    if landed.text().await.expect("text").contains(review_title) {
        browser
            .wait_for_xpath("//li[contains(., 'pasted-screenshot.png')]")
            .await;
        browser.click_button("No, submit my request").await;
    }

    // The status page shows the screenshot itself, fitted to the phone's screen.
    browser.wait_for_css("strong.reference").await;
    browser.wait_for_css("img.attachment-preview").await;
    let deadline = Instant::now() + PAGE_TIMEOUT;
    loop {
        let shown = browser
            .script(
                "const img = document.querySelector('img.attachment-preview');
                 return img.complete && img.naturalWidth === 1
                   && img.getBoundingClientRect().right <= window.innerWidth;",
            )
            .await;
        if shown == serde_json::json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "the screenshot preview loaded");
        tokio::task::yield_now().await;
    }
    let page = browser
        .script("return document.querySelector('ol.conversation').innerText;")
        .await;
    let page = page.as_str().unwrap_or_default();
    assert!(page.contains("pasted-screenshot.png"), "{page}");
    assert!(!page.contains("wrong-window.png"), "{page}");

    browser.close().await;
    portal.shut_down().await;
}
