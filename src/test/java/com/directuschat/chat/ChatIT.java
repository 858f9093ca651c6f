package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.auth.LoginInspector;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** The chat over HTTP, against the shared real Directus. */
@DirectusTest
class ChatIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern MESSAGE_ID = Pattern.compile("id=\"m-(\\d+)\"");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry meters;

    String directus;
    String bobToken;

    @BeforeEach
    void setUp() {
        directus = TestDirectus.shared().url();
        bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
    }

    private ChatClient client() {
        return new ChatClient("http://127.0.0.1:" + port);
    }

    private ChatClient loggedIn(String email, String password) {
        ChatClient client = client();
        HttpResponse<String> login = client.login(email, password);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        return client;
    }

    @Test
    void loginWithGoodCredentialsOpensTheChat() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        HttpResponse<String> page = alice.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Alice Example")
                .contains("role=\"log\"")
                .contains("Log out");
    }

    @Test
    void loginWithWrongPasswordSaysSoAndKeepsTheEmail() {
        ChatClient client = client();
        HttpResponse<String> login = client.login(ALICE_EMAIL, "wrong-password");
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("/login?error=credentials"));
        HttpResponse<String> page = client.get("/login?error=credentials");
        assertThat(page.body()).contains("Wrong email or password.").contains("value=\"" + ALICE_EMAIL + "\"");
        assertThat(client.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void sessionIdChangesAtLogin() {
        ChatClient client = client();
        client.get("/login");
        String before = client.sessionId();
        client.postForm("/login", java.util.Map.of("email", ALICE_EMAIL, "password", ALICE_PASSWORD), false);
        assertThat(client.sessionId()).isNotNull().isNotEqualTo(before);
    }

    @Test
    void historyShowsTheLatestMessagesOldestFirst() {
        List<Long> created = new ArrayList<>();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 105; i++) {
            created.add(DirectusRest.createMessage(directus, bobToken, "history " + tag + " " + i));
        }
        String body = loggedIn(ALICE_EMAIL, ALICE_PASSWORD).get("/").body();
        List<Long> shown = new ArrayList<>();
        Matcher matcher = MESSAGE_ID.matcher(body);
        while (matcher.find()) {
            shown.add(Long.parseLong(matcher.group(1)));
        }
        assertThat(shown).hasSize(100);
        assertThat(shown).isSorted();
        assertThat(shown.get(99)).isEqualTo(created.get(104));
        assertThat(shown).containsAll(created.subList(5, 105)).doesNotContain(created.get(4));
        assertThat(body)
                .contains("history " + tag + " 104")
                .contains("Bob Example")
                .contains("<time datetime=\"");
    }

    @Test
    void streamDeliversAMessageCreatedByAnotherUserThroughDirectus() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        String since = lastId(alice.get("/").body());
        try (SseConnection stream = alice.stream("since=" + since, null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            String text = "live <b>" + UUID.randomUUID();
            long id = DirectusRest.createMessage(directus, bobToken, text);
            SseEvent event =
                    stream.await(e -> e.isMessage() && String.valueOf(id).equals(e.id()), WAIT);
            assertThat(event.data())
                    .contains("Bob Example")
                    .contains(text.replace("<", "&lt;").replace(">", "&gt;"))
                    .contains("id=\"m-" + id + "\"")
                    .doesNotContain("<b>");
        }
    }

    @Test
    void aMessageCreatedBetweenRenderAndStreamOpenIsDeliveredOnce() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        String since = lastId(alice.get("/").body());
        long missed = DirectusRest.createMessage(directus, bobToken, "between render and stream");
        try (SseConnection stream = alice.stream("since=" + since, null)) {
            stream.await(e -> String.valueOf(missed).equals(e.id()), WAIT);
            long later = DirectusRest.createMessage(directus, bobToken, "after the stream opened");
            stream.await(e -> String.valueOf(later).equals(e.id()), WAIT);
            assertThat(stream.messages().stream()
                            .filter(e -> String.valueOf(missed).equals(e.id())))
                    .hasSize(1);
            assertThat(stream.messages().stream()
                            .map(e -> Long.parseLong(e.id()))
                            .toList())
                    .isSorted()
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void lastEventIdResumesAfterTheLastSeenMessage() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        long first = DirectusRest.createMessage(directus, bobToken, "resume 1");
        long second = DirectusRest.createMessage(directus, bobToken, "resume 2");
        try (SseConnection stream = alice.stream("since=0", String.valueOf(first))) {
            stream.await(e -> String.valueOf(second).equals(e.id()), WAIT);
            assertThat(stream.messages()).noneMatch(e -> Long.parseLong(e.id()) <= first);
        }
    }

    @Test
    void malformedPositionsAreRefused() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        try (SseConnection stream = alice.stream("since=abc", null)) {
            assertThat(stream.status()).isEqualTo(400);
        }
        try (SseConnection stream = alice.stream(null, "x")) {
            assertThat(stream.status()).isEqualTo(400);
        }
    }

    @Test
    void sendingPostsAsTheUserAndTheSenderSeesItOnceFromTheSubscription() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        String since = lastId(alice.get("/").body());
        try (SseConnection stream = alice.stream("since=" + since, null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            String text = "sent by alice " + UUID.randomUUID();
            HttpResponse<String> sent = alice.sendMessage(text);
            assertThat(sent.statusCode()).isEqualTo(204);
            assertThat(sent.body()).isEmpty();
            SseEvent event = stream.await(e -> e.isMessage() && e.data().contains(text), WAIT);
            assertThat(event.data()).contains("Alice Example");
            long id = Long.parseLong(event.id());
            long after = DirectusRest.createMessage(directus, bobToken, "fence");
            stream.await(e -> String.valueOf(after).equals(e.id()), WAIT);
            assertThat(stream.messages().stream().filter(e -> e.data().contains(text)))
                    .hasSize(1);
            assertThat(id).isLessThan(after);
        }
    }

    @Test
    void emptyAndOversizeMessagesAreRefusedInlineAndTheTextIsKept() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        HttpResponse<String> empty = alice.sendMessage("   \n ");
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.body()).contains("Type a message first.");

        String tooLong = "😀".repeat(2001);
        HttpResponse<String> oversize = alice.sendMessage(tooLong);
        assertThat(oversize.statusCode()).isEqualTo(422);
        // The answer is the error line alone: the composer and its text stay as they are in the page.
        assertThat(oversize.body())
                .contains("2,001 characters")
                .contains("id=\"send-error\"")
                .doesNotContain("<textarea");

        HttpResponse<String> maximal = alice.sendMessage("😀".repeat(2000));
        assertThat(maximal.statusCode()).isEqualTo(204);
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        String marker = "no csrf " + UUID.randomUUID();
        HttpResponse<String> response = alice.postRaw("/messages", "content=" + marker.replace(" ", "+"), true);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(alice.get("/").body()).doesNotContain(marker);
    }

    @Test
    void logoutClosesTheRealtimeSessionEndsStreamsAndRevokesTheRefreshToken() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        String refresh = LoginInspector.refreshToken(context, alice.sessionId());
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            double open = meters.get("directus.realtime.sessions").gauge().value();
            HttpResponse<String> logout = alice.logout();
            assertThat(logout.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).contains("/login?logout"));
            stream.await(e -> "session-ended".equals(e.name()), WAIT);
            stream.awaitEnd(WAIT);
            assertThat(meters.get("directus.realtime.sessions").gauge().value()).isEqualTo(open - 1);
        }
        await().atMost(WAIT).until(() -> DirectusRest.refreshStatus(directus, refresh) != 200);
        assertThat(DirectusRest.refreshStatus(directus, refresh)).isBetween(400, 403);
        assertThat(alice.get("/").statusCode()).isEqualTo(302);
        try (SseConnection again = alice.stream("since=0", null)) {
            again.await(e -> "session-ended".equals(e.name()), WAIT);
        }
    }

    @Test
    void sessionTimeoutAlsoRevokesTheRefreshToken() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        String refresh = LoginInspector.refreshToken(context, alice.sessionId());
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            LoginInspector.expire(context, alice.sessionId());
            stream.await(e -> "session-ended".equals(e.name()), WAIT);
        }
        assertThat(DirectusRest.refreshStatus(directus, refresh)).isBetween(400, 403);
        HttpResponse<String> post = alice.sendMessage("after the session ended");
        assertThat(post.statusCode()).isIn(401, 403);
        assertThat(post.headers().firstValue("HX-Retarget")).hasValue("#session-ended");
        assertThat(post.body()).contains("Your session has ended");
    }

    @Test
    void noDirectusTokenEverReachesTheBrowser() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        String access = LoginInspector.accessToken(context, alice.sessionId());
        String refresh = LoginInspector.refreshToken(context, alice.sessionId());
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            alice.sendMessage("token scan " + UUID.randomUUID());
            alice.sendMessage("");
            stream.await(e -> e.isMessage() && e.data().contains("token scan"), WAIT);
            alice.get("/");
            alice.get("/login?error=credentials");
        }
        String everything = alice.everythingReceived();
        assertThat(everything).contains("token scan");
        assertThat(everything).doesNotContain(access).doesNotContain(refresh);
        assertThat(everything).doesNotContain(TestUsers.ALICE_PASSWORD);
    }

    private static String lastId(String page) {
        Matcher matcher = Pattern.compile("since=(\\d+)").matcher(page);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }
}
