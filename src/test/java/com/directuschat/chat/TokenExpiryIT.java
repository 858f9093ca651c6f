package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.auth.LoginInspector;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Access tokens that live 4 seconds: the login, REST calls and the realtime session all keep working. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenExpiryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    static DirectusInstance directus;

    /**
     * Lives as long as the cached Spring context that talks to it (a rerun of a failed test needs both); the
     * launcher stops Directus when the test JVM exits.
     */
    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicatedFor(registry, Map.of("ACCESS_TOKEN_TTL", "4s"), false);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Test
    void aRefreshTokenRevokedInDirectusSendsTheUserToLoginWithoutAReconnectLoop() {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            // Someone ends the Directus session behind our back (an admin, or the user elsewhere).
            String refresh = LoginInspector.refreshToken(context, alice.sessionId());
            assertThat(DirectusRest.status(
                            directus.url(),
                            "POST",
                            "/auth/logout",
                            null,
                            "{\"refresh_token\":\"" + refresh + "\",\"mode\":\"json\"}"))
                    .isLessThan(300);

            SseEvent ended = stream.await(e -> "session-ended".equals(e.name()), WAIT);
            assertThat(ended.data()).contains("Log in again").contains("/login?expired");
            stream.awaitEnd(WAIT);
        }
        assertThat(alice.get("/").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(alice.get("/login?expired").body()).contains("Your session has ended. Please log in again.");
        double attempts = meters.get("directus.realtime.connects").counter().count();
        // No reconnect loop: nothing tries to connect as the ended login for several token lifetimes.
        await().during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(12))
                .until(() -> meters.get("directus.realtime.connects").counter().count() == attempts);
    }

    @Test
    void nothingIsLostAcrossTokenRefreshes() {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        String firstAccess = LoginInspector.accessToken(context, alice.sessionId());
        String firstRefresh = LoginInspector.refreshToken(context, alice.sessionId());
        List<Long> created = new ArrayList<>();
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            // Messages keep flowing across several token lifetimes, from Bob (REST) and Alice (our send path).
            long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            int n = 0;
            while (System.nanoTime() < until) {
                String bobToken = TestDirectus.loginToken(directus.url(), BOB_EMAIL, BOB_PASSWORD);
                long id = DirectusRest.createMessage(directus.url(), bobToken, "ttl bob " + n);
                created.add(id);
                assertThat(alice.sendMessage("ttl alice " + n).statusCode()).isEqualTo(204);
                String sent = "ttl alice " + n + "</p>";
                stream.await(e -> String.valueOf(id).equals(e.id()), WAIT);
                stream.await(e -> e.data().contains(sent), WAIT);
                n++;
            }
            long last = created.get(created.size() - 1);
            stream.await(e -> String.valueOf(last).equals(e.id()), WAIT);
            for (long id : created) {
                assertThat(stream.messages()).anyMatch(e -> String.valueOf(id).equals(e.id()));
            }
            for (int i = 0; i < n; i++) {
                String text = "ttl alice " + i + "</p>";
                assertThat(stream.messages().stream().filter(e -> e.data().contains(text)))
                        .hasSize(1);
            }
            assertThat(stream.messages())
                    .allSatisfy(e -> assertThat(e.id()).as("event %s", e).isNotNull());
            // Each once. Not necessarily in id order on the wire: Alice's own message reaches her tab straight from
            // her send, before Directus's event of Bob's earlier one; the page puts its list in id order.
            assertThat(stream.messages().stream()
                            .map(e -> Long.parseLong(e.id()))
                            .toList())
                    .doesNotHaveDuplicates();
        }
        assertThat(LoginInspector.accessToken(context, alice.sessionId())).isNotEqualTo(firstAccess);
        // Directus rotated the refresh token, and the first one is dead.
        assertThat(LoginInspector.refreshToken(context, alice.sessionId())).isNotEqualTo(firstRefresh);
        assertThat(DirectusRest.refreshStatus(directus.url(), firstRefresh)).isBetween(400, 403);
    }
}
