package com.directuschat.ratelimit;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.Browsers;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import com.directuschat.testsupport.TestUsers;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Sends per session (burst 3, then 1 a minute here) and open streams per session (2 here), whatever the spelling of
 * the route: a percent-encoded path, {@code HEAD} for {@code GET}; edits and deletes count with sends.
 */
@DirectusTest
@TestPropertySource(
        properties = {
            "chat.rate-limit.sends=1",
            "chat.rate-limit.send-period=1m",
            "chat.rate-limit.send-burst=3",
            "chat.rate-limit.streams-per-session=2"
        })
class SendAndStreamRateLimitIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    private ChatClient loggedIn(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.login(email, password);
        assertThat(client.get("/").statusCode()).isEqualTo(200);
        return client;
    }

    @Test
    void aSessionThatSendsTooFastGetsA429WithItsTextKept() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        String tag = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            assertThat(alice.sendMessage("burst " + i + " " + tag).statusCode()).isEqualTo(204);
        }
        HttpResponse<String> limited = alice.sendMessage("one too many " + tag);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(limited.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(limited.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // Only the error line: the composer, with the typed text, is never replaced.
        assertThat(limited.body())
                .contains("id=\"send-error\"")
                .contains("You are sending messages too fast")
                .doesNotContain("<textarea");
        assertThat(alice.get("/").body()).contains("burst 2 " + tag).doesNotContain("one too many " + tag);

        // Without htmx (no script): a page with the message.
        HttpResponse<String> plain = alice.postForm("/messages", java.util.Map.of("content", "plain " + tag), false);
        assertThat(plain.statusCode()).isEqualTo(429);
        assertThat(plain.body()).contains("You are sending messages too fast");

        // The limit is Alice's session's, not everyone's.
        assertThat(loggedIn(BOB_EMAIL, BOB_PASSWORD)
                        .sendMessage("bob is fine " + tag)
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void aSessionHasAtMostItsNumberOfOpenStreams() {
        ChatClient alice = loggedIn(TestUsers.userEmail(8), TestUsers.USER_PASSWORD);
        List<SseConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                SseConnection stream = alice.stream("since=0", null);
                open.add(stream);
                assertThat(stream.status()).isEqualTo(200);
                stream.await(e -> "status".equals(e.name()), WAIT);
            }
            try (SseConnection third = alice.stream("since=0", null)) {
                assertThat(third.status()).isEqualTo(429);
                assertThat(third.headers().firstValue("Retry-After")).isPresent();
                third.awaitEnd(WAIT);
                assertThat(third.raw()).contains("Too many open chat tabs");
            }
            // Another login has its own count.
            try (SseConnection other =
                    loggedIn(TestUsers.userEmail(9), TestUsers.USER_PASSWORD).stream("since=0", null)) {
                assertThat(other.status()).isEqualTo(200);
            }
            // A tab that closes frees its place (the server notices when its next write fails or the stream ends).
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(40)).until(() -> {
                SseConnection again = alice.stream("since=0", null);
                if (again.status() == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            open.forEach(SseConnection::close);
        }
    }

    @Test
    void aPercentEncodedSendPathCountsWithSends() {
        ChatClient client = loggedIn(TestUsers.userEmail(11), TestUsers.USER_PASSWORD);
        String tag = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            assertThat(client.postForm("/rooms/general/%6Dessages", Map.of("content", "spelled " + i + " " + tag), true)
                            .statusCode())
                    .as("send %d", i)
                    .isEqualTo(204);
        }
        HttpResponse<String> limited =
                client.postForm("/rooms/general/%6Dessages", Map.of("content", "one too many " + tag), true);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.body()).contains("You are sending messages too fast");
        assertThat(client.get("/").body()).contains("spelled 2 " + tag).doesNotContain("one too many " + tag);
    }

    @Test
    void editsCountWithSends() {
        String email = TestUsers.userEmail(12);
        ChatClient client = loggedIn(email, TestUsers.USER_PASSWORD);
        String tag = UUID.randomUUID().toString();
        long id = ownMessage(email, "to edit " + tag);
        assertThat(client.sendMessage("sent " + tag).statusCode()).isEqualTo(204);
        for (int i = 0; i < 2; i++) {
            assertThat(client.patchForm("/messages/" + id, Map.of("content", "edit " + i + " " + tag))
                            .statusCode())
                    .as("edit %d", i)
                    .isEqualTo(200);
        }
        HttpResponse<String> limited = client.patchForm("/messages/" + id, Map.of("content", "edit too many " + tag));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.body()).contains("message-error").contains("too fast");
        assertThat(storedContent(id)).isEqualTo("edit 1 " + tag);
        assertThat(client.sendMessage("and a send " + tag).statusCode())
                .as("the same bucket")
                .isEqualTo(429);
    }

    @Test
    void deletesCountWithSends() {
        String email = TestUsers.userEmail(13);
        ChatClient client = loggedIn(email, TestUsers.USER_PASSWORD);
        String tag = UUID.randomUUID().toString();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(ownMessage(email, "to delete " + i + " " + tag));
        }
        assertThat(client.sendMessage("sent " + tag).statusCode()).isEqualTo(204);
        assertThat(client.sendMessage("sent again " + tag).statusCode()).isEqualTo(204);
        assertThat(client.delete("/messages/" + ids.get(0)).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = client.delete("/messages/" + ids.get(1));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(storedContent(ids.get(1))).as("not deleted").isEqualTo("to delete 1 " + tag);
    }

    @Test
    void aPercentEncodedStreamPathCountsTowardsTheCap() {
        ChatClient client = loggedIn(TestUsers.userEmail(14), TestUsers.USER_PASSWORD);
        List<SseConnection> open = openStreams(client, 2);
        try (SseConnection third = client.streamAt("/rooms/general/%73tream", "since=0", null)) {
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            third.awaitEnd(WAIT);
            assertThat(third.raw()).contains("Too many open chat tabs");
        } finally {
            open.forEach(SseConnection::close);
        }
    }

    @Test
    void headOnTheStreamCountsTowardsTheCap() {
        ChatClient client = loggedIn(TestUsers.userEmail(15), TestUsers.USER_PASSWORD);
        List<SseConnection> open = openStreams(client, 2);
        try {
            HttpResponse<String> head =
                    client.exchange("HEAD", "/messages/stream?since=0", Map.of("Accept", "text/event-stream"));
            assertThat(head.statusCode()).isEqualTo(429);
            assertThat(head.headers().firstValue("Retry-After")).isPresent();
        } finally {
            open.forEach(SseConnection::close);
        }
    }

    private List<SseConnection> openStreams(ChatClient client, int count) {
        List<SseConnection> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SseConnection stream = client.stream("since=0", null);
            open.add(stream);
            assertThat(stream.status()).isEqualTo(200);
            stream.await(e -> "status".equals(e.name()), WAIT);
        }
        return open;
    }

    /** A message by this user, made in Directus directly: it costs the chat session nothing. */
    private static long ownMessage(String email, String content) {
        return DirectusRest.createMessage(
                TestDirectus.shared().url(), TestDirectus.loginToken(email, TestUsers.USER_PASSWORD), content);
    }

    private static String storedContent(long id) {
        return DirectusRest.call(
                        TestDirectus.shared().url(),
                        "GET",
                        "/items/messages/" + id + "?fields=content",
                        TestDirectus.adminToken(),
                        null)
                .path("data")
                .path("content")
                .asString();
    }

    @Test
    @Requires(TestService.CHROMIUM)
    void theBrowserShowsTheLimitInTheSendFormAndKeepsTheText() {
        try (Playwright playwright = Browsers.playwright();
                Browser browser = Browsers.launch(playwright)) {
            Page page = browser.newContext().newPage();
            page.setDefaultTimeout(20_000);
            page.navigate("http://localhost:" + port + "/");
            page.getByLabel("Email").fill(TestUsers.userEmail(10));
            page.getByLabel("Password").fill(TestUsers.USER_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                    .click();
            assertThat(page.locator("#connection-status")).containsText("Connected");
            var box = page.getByLabel("Message", new Page.GetByLabelOptions().setExact(true));
            for (int i = 0; i < 3; i++) {
                box.fill("fast " + i);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                        .click();
                assertThat(box).hasValue("");
            }
            box.fill("kept words");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                    .click();
            assertThat(page.locator("#send-error")).containsText("You are sending messages too fast");
            assertThat(box).hasValue("kept words");
        }
    }
}
