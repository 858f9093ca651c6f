package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

/**
 * The XSS corpus (src/test/resources/security/xss-payloads.txt) sent through the UI in real Chromium:
 * every payload shows as its literal text, live and after reload, with no element, no dialog, no script
 * error and no CSP violation. Plus one message created straight in Directus, past our length check.
 */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XssBrowserIT {

    @LocalServerPort
    int port;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    final List<String> problems = new CopyOnWriteArrayList<>();

    static List<String> payloads() throws IOException {
        try (InputStream in = XssBrowserIT.class.getResourceAsStream("/security/xss-payloads.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("# ")).map(String::strip).toList();
        }
    }

    private Page open(BrowserContext context, String path) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(20_000);
        page.navigate("http://localhost:" + port + path);
        return page;
    }

    private static void logIn(Page page, String email, String password) {
        ChatPage.submitLogin(page, email, password);
    }

    /**
     * Text and child element count of the last {@code n} messages' content, oldest first. Our own links (an
     * {@code a} with an http(s) href, rel and target, and text only) are not counted: an http(s) URL in a payload
     * is linked, and that is all.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lastContents(Page page, int n) {
        return (List<Map<String, Object>>) page.evaluate("n => Array.from(document.querySelectorAll('#messages li.message .content'))"
                + ".slice(-n).map(e => ({text: e.textContent, children: Array.from(e.children).filter(c => !("
                + "c.tagName === 'A' && /^https?:\\/\\//i.test(c.getAttribute('href')) && c.getAttribute('href') === c.textContent"
                + " && c.getAttribute('rel') === 'noopener noreferrer nofollow' && c.getAttribute('target') === '_blank'"
                + " && c.attributes.length === 3 && c.childElementCount === 0)).length}))", n);
    }

    private static void assertRenderedAsText(Page page, List<String> expected, String when) {
        List<Map<String, Object>> shown = lastContents(page, expected.size());
        assertThat(shown).as(when).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(shown.get(i).get("text")).as("%s: payload %d", when, i).isEqualTo(expected.get(i));
            assertThat(((Number) shown.get(i).get("children")).intValue()).as("%s: elements in payload %d", when, i).isZero();
        }
        Object injected = page.evaluate("() => document.querySelectorAll('#messages script, #messages img, #messages svg, "
                + "#messages iframe, #messages object, #messages embed, #messages a:not([href^=\"http://\" i]):not([href^=\"https://\" i]), #messages style, #messages form, "
                + "#messages input, #messages [hx-get], #messages [onerror]').length");
        assertThat(((Number) injected).intValue()).as(when).isZero();
    }

    @Test
    void everyPayloadRendersAsItsLiteralTextLiveAndAfterReload() throws IOException {
        List<String> payloads = payloads();
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(50);
        problems.clear();
        BrowserContext aliceContext = chromium.browser().newContext();
        BrowserContext bobContext = chromium.browser().newContext();
        try {
            Page alice = open(aliceContext, "/");
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            Page bob = open(bobContext, "/");
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);
            assertThat(alice.locator("#connection-status")).containsText("Connected");
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            int before = bob.locator("#messages li.message").count();

            Locator box = alice.getByLabel("Message", new Page.GetByLabelOptions().setExact(true));
            Locator send = alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"));
            for (String payload : payloads) {
                box.fill(payload);
                send.click();
                assertThat(box).hasValue("");
            }
            assertThat(alice.locator("#send-error")).hasText("");

            // Straight into Directus: every payload in one message of more than 2,000 characters, across lines.
            StringBuilder all = new StringBuilder(String.join("\n", payloads));
            while (all.codePointCount(0, all.length()) <= 2_500) {
                all.append("\n").append(payloads.get(all.length() % payloads.size()));
            }
            String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
            DirectusRest.createMessage(TestDirectus.shared().url(), bobToken, all.toString());

            List<String> expected = new ArrayList<>(payloads);
            expected.add(all.toString());
            assertThat(bob.locator("#messages li.message")).hasCount(before + expected.size());
            assertRenderedAsText(bob, expected, "live");
            assertRenderedAsText(alice, expected, "live, sender");

            bob.reload();
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            assertRenderedAsText(bob, expected, "history");
            assertThat(problems).isEmpty();
        }
        finally {
            aliceContext.close();
            bobContext.close();
        }
    }

    @Test
    void everyPageRendersWithoutACspViolation() {
        problems.clear();
        BrowserContext context = chromium.browser().newContext();
        BrowserContext noAccess = chromium.browser().newContext();
        try {
            Page page = open(context, "/login");
            assertThat(page.locator("h1")).hasText("Directus Chat");
            page.navigate("http://localhost:" + port + "/login?error=credentials");
            assertThat(page.locator(".error")).containsText("Wrong email or password.");
            page.navigate("http://localhost:" + port + "/login");
            logIn(page, TestUsers.userEmail(12), TestUsers.USER_PASSWORD);
            assertThat(page.locator("#connection-status")).containsText("Connected");
            page.navigate("http://localhost:" + port + "/no-such-page");
            assertThat(page.locator("h1")).containsText("404");

            Page denied = open(noAccess, "/login");
            logIn(denied, TestUsers.NOACCESS_EMAIL, TestUsers.NOACCESS_PASSWORD);
            assertThat(denied.locator("h1")).hasText("You don't have access to this chat");
            // The 404 and 403 pages themselves are reported as failed loads; nothing else may be.
            assertThat(problems).allSatisfy(p -> assertThat(p).startsWith("Failed to load resource: the server responded with a status of 40"));

            // The CSP is live: an inline script the page tries to add is refused and reported.
            page.navigate("http://localhost:" + port + "/");
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
                    + "document.body.appendChild(s); }");
            assertThat(page.evaluate("() => window.ran === undefined")).isEqualTo(true);
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("Content Security Policy"));
        }
        finally {
            context.close();
            noAccess.close();
        }
    }
}
