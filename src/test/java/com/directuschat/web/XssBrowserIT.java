package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The XSS corpus (src/test/resources/security/xss-payloads.txt) sent through the UI in real Chromium:
 * every payload shows as its literal text, live and after reload, with no element, no dialog, no script
 * error and no CSP violation. Plus one message created straight in Directus, past our length check.
 */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XssBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** Lines of the corpus: a payload lost to an edit of the file (two run into one line) fails here. */
    static final int PAYLOADS = 88;

    /** Directus keeps at most 50 characters of a first or last name. */
    static final int NAME_LIMIT = 50;

    /** Hostile authors who also log in and open the chat (a login costs Directus a password hash). */
    static final int ONLINE_AUTHORS = 3;

    final List<String> problems = new CopyOnWriteArrayList<>();

    static List<String> payloads() throws IOException {
        try (InputStream in = XssBrowserIT.class.getResourceAsStream("/security/xss-payloads.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("# "))
                    .map(String::strip)
                    .toList();
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
        return (List<Map<String, Object>>) page.evaluate(
                "n => Array.from(document.querySelectorAll('#messages li.message .content'))"
                        + ".slice(-n).map(e => ({text: e.textContent, children: Array.from(e.children).filter(c => !("
                        + "c.tagName === 'A' && /^https?:\\/\\//i.test(c.getAttribute('href')) && c.getAttribute('href') === c.textContent"
                        + " && c.getAttribute('rel') === 'noopener noreferrer nofollow' && c.getAttribute('target') === '_blank'"
                        + " && c.attributes.length === 3 && c.childElementCount === 0)).length}))",
                n);
    }

    private static void assertRenderedAsText(Page page, List<String> expected, String when) {
        List<Map<String, Object>> shown = lastContents(page, expected.size());
        assertThat(shown).as(when).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(shown.get(i).get("text")).as("%s: payload %d", when, i).isEqualTo(expected.get(i));
            assertThat(((Number) shown.get(i).get("children")).intValue())
                    .as("%s: elements in payload %d", when, i)
                    .isZero();
        }
        for (String text : expected) {
            assertThat(shown.stream().filter(m -> text.equals(m.get("text"))).count())
                    .as("%s: times shown: %s", when, text)
                    .isEqualTo(expected.stream().filter(text::equals).count());
        }
        assertNothingRan(page, when);
        Object injected =
                page.evaluate("() => document.querySelectorAll('#messages script, #messages img, #messages svg, "
                        + "#messages iframe, #messages object, #messages embed, #messages a:not([href^=\"http://\" i]):not([href^=\"https://\" i]), #messages style, #messages form, "
                        + "#messages input, #messages [hx-get], #messages [onerror]').length");
        assertThat(((Number) injected).intValue()).as(when).isZero();
    }

    @Test
    void everyPayloadRendersAsItsLiteralTextLiveAndAfterReload() throws IOException {
        List<String> payloads = payloads();
        assertThat(payloads).hasSize(PAYLOADS).doesNotHaveDuplicates();
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
        } finally {
            aliceContext.close();
            bobContext.close();
        }
    }

    /** No script but our own files in the document, and no inline handler ran (they would have opened a dialog). */
    private static void assertNothingRan(Page page, String when) {
        Object foreign = page.evaluate("() => Array.from(document.scripts).filter(s => !s.src"
                + " || new URL(s.src).origin !== location.origin).length");
        assertThat(((Number) foreign).intValue())
                .as("%s: scripts not from our origin, or inline", when)
                .isZero();
    }

    /**
     * Author names are user input too (anyone who may edit their Directus profile): users named with the corpus's
     * payloads post, and their names show as text in the messages, live and after a reload, and in the online list.
     * Every payload short enough to be a name is one: first and last names in pairs.
     */
    @Test
    void hostileAuthorNamesRenderAsTheirLiteralText() throws IOException {
        List<String> names =
                payloads().stream().filter(p -> p.length() <= NAME_LIMIT).toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(40);
        problems.clear();
        String adminToken = TestDirectus.adminToken();
        String directusUrl = TestDirectus.shared().url();
        String roleId = DirectusRest.call(
                        directusUrl, "GET", "/roles?fields=id&filter%5Bname%5D%5B_eq%5D=Chat%20users", adminToken, null)
                .path("data")
                .get(0)
                .path("id")
                .asString();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> authors = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<SseConnection> streams = new ArrayList<>();
        BrowserContext bobContext = chromium.browser().newContext();
        try {
            Page bob = open(bobContext, "/");
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            int before = bob.locator("#messages li.message").count();
            // One request for all of them; a static token each, so posting costs no password hashing or login.
            List<Map<String, Object>> users = new ArrayList<>();
            List<String> userTokens = new ArrayList<>();
            for (int i = 0; i < names.size(); i += 2) {
                String first = names.get(i);
                String last = i + 1 < names.size() ? names.get(i + 1) : "";
                String token = "xss-author-" + run + "-" + i + "-" + UUID.randomUUID();
                Map<String, Object> user = new java.util.HashMap<>(Map.of(
                        "email",
                        "xss-author-" + run + "-" + i + "@example.com",
                        "first_name",
                        first,
                        "last_name",
                        last,
                        "role",
                        roleId,
                        "token",
                        token));
                if (users.size() < ONLINE_AUTHORS) {
                    user.put("password", "xss-author-password");
                }
                users.add(user);
                userTokens.add(token);
                // As MessageFormatter puts the name together.
                authors.add((first.trim() + " " + last.trim()).trim());
            }
            DirectusRest.call(directusUrl, "POST", "/users", adminToken, JSON.writeValueAsString(users));
            // A few of them open the chat, so their names are in the online list too.
            for (Map<String, Object> user : users.subList(0, ONLINE_AUTHORS)) {
                ChatClient author = new ChatClient("http://127.0.0.1:" + port);
                author.login((String) user.get("email"), "xss-author-password");
                Matcher since =
                        Pattern.compile("since=(\\d+)").matcher(author.get("/").body());
                assertThat(since.find()).isTrue();
                SseConnection stream = author.stream("since=" + since.group(1), null);
                streams.add(stream);
                stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            }
            for (int i = 0; i < userTokens.size(); i++) {
                String text = "from hostile author " + i + " " + run;
                texts.add(text);
                DirectusRest.createMessage(directusUrl, userTokens.get(i), text);
            }
            assertThat(authors).hasSize((names.size() + 1) / 2);
            assertThat(bob.locator("#messages li.message")).hasCount(before + authors.size());
            assertAuthors(bob, authors, texts, "live");

            // Those with a tab open are in the online list, each once.
            assertOnline(bob, authors.subList(0, ONLINE_AUTHORS), "live");

            bob.reload();
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            assertAuthors(bob, authors, texts, "history");
            assertOnline(bob, authors.subList(0, ONLINE_AUTHORS), "page");
            assertThat(problems).isEmpty();
        } finally {
            streams.forEach(SseConnection::close);
            bobContext.close();
        }
    }

    /** The last messages are {@code texts}, in order, each by its author; names and texts are text only. */
    @SuppressWarnings("unchecked")
    private static void assertAuthors(Page page, List<String> authors, List<String> texts, String when) {
        List<Map<String, Object>> shown = (List<Map<String, Object>>) page.evaluate(
                "n => Array.from("
                        + "document.querySelectorAll('#messages li.message')).slice(-n).map(li => ({"
                        + "author: li.querySelector('.author').textContent, authorChildren: li.querySelector('.author').childElementCount,"
                        + "text: li.querySelector('.content').textContent}))",
                authors.size());
        assertThat(shown).as(when).hasSize(authors.size());
        for (int i = 0; i < authors.size(); i++) {
            assertThat(shown.get(i).get("text")).as("%s: message %d", when, i).isEqualTo(texts.get(i));
            assertThat(shown.get(i).get("author")).as("%s: author %d", when, i).isEqualTo(authors.get(i));
            assertThat(((Number) shown.get(i).get("authorChildren")).intValue())
                    .as("%s: elements in author %d", when, i)
                    .isZero();
        }
        for (String author : authors) {
            assertThat(shown.stream()
                            .filter(m -> author.equals(m.get("author")))
                            .count())
                    .as("%s: %s", when, author)
                    .isEqualTo(authors.stream().filter(author::equals).count());
        }
        assertNothingRan(page, when);
    }

    /** Each author exactly once in the online list, as text (others may be online too). */
    @SuppressWarnings("unchecked")
    private static void assertOnline(Page page, List<String> authors, String when) {
        Callable<List<String>> online = () -> (List<String>) page.evaluate("() => Array.from("
                + "document.querySelectorAll('#online li')).map(li => li.childElementCount === 0 ? li.textContent"
                + " : 'ELEMENTS IN ' + li.innerHTML)");
        List<String> shown = await().atMost(WAIT).until(online, list -> list.containsAll(authors));
        for (String author : authors) {
            assertThat(shown.stream().filter(author::equals).count())
                    .as("%s: online %s in %s", when, author, shown)
                    .isEqualTo(1);
        }
        assertThat(shown).as(when).contains("Bob Example").noneMatch(name -> name.startsWith("ELEMENTS IN "));
        assertNothingRan(page, when);
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
            assertThat(problems)
                    .allSatisfy(p -> assertThat(p)
                            .startsWith("Failed to load resource: the server responded with a status of 40"));

            // The CSP is live: an inline script the page tries to add is refused and reported.
            page.navigate("http://localhost:" + port + "/");
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
                    + "document.body.appendChild(s); }");
            assertThat(page.evaluate("() => window.ran === undefined")).isEqualTo(true);
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("Content Security Policy"));
        } finally {
            context.close();
            noAccess.close();
        }
    }
}
