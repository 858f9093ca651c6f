package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.DirectusChatApplication;
import com.directuschat.auth.LoginInspector;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What SIGTERM does (Boot's shutdown hook closes the context), on a real app and the real Directus: open streams end
 * cleanly and without "session ended", so browsers reconnect elsewhere and resume; new streams are refused; the
 * Directus sockets close; and nobody is logged out, since another instance goes on with the same login.
 */
class GracefulShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ConfigurableApplicationContext app;
    private int port;

    private ConfigurableApplicationContext start() {
        port = TestDirectus.freePort();
        app = new SpringApplicationBuilder(DirectusChatApplication.class)
                .run(
                        "--server.port=" + port,
                        "--directus.url=" + TestDirectus.shared().url(),
                        "--directus.local.enabled=false");
        return app;
    }

    @AfterEach
    void stop() {
        if (app != null && app.isActive()) {
            app.close();
        }
    }

    private ChatClient loggedIn() {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        assertThat(alice.login(ALICE_EMAIL, ALICE_PASSWORD)
                        .headers()
                        .firstValue("Location")
                        .orElse(""))
                .endsWith("/");
        alice.get("/");
        return alice;
    }

    private static SseConnection connected(ChatClient client) {
        SseConnection stream = client.stream("since=0", null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
        return stream;
    }

    @Test
    void closingTheAppEndsOpenStreamsCleanlyAndKeepsTheLoginValidInDirectus() {
        start();
        ChatClient alice = loggedIn();
        String refresh = LoginInspector.refreshToken(app, alice.sessionId());
        long id;
        try (SseConnection stream = connected(alice)) {
            // Read live, so its read position waits for chat.read-position-save-delay (a minute): the drain writes it.
            String text = "read before the shutdown " + UUID.randomUUID();
            id = DirectusRest.createMessage(
                    TestDirectus.shared().url(), TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), text);
            stream.await(e -> e.isMessage() && e.data().contains(text), WAIT);

            app.close();

            stream.awaitEnd(WAIT);
            assertThat(stream.endedCleanly())
                    .as("ended by the drain, not torn down by the stopping server")
                    .isTrue();
            assertThat(stream.events()).noneMatch(e -> "session-ended".equals(e.name()));
        }
        // Not revoked: neither by the drain nor when the stopping web server expired the in-memory session.
        assertThat(DirectusRest.refreshStatus(TestDirectus.shared().url(), refresh))
                .isEqualTo(200);
        assertThat(DirectusRest.call(
                                TestDirectus.shared().url(),
                                "GET",
                                "/items/read_positions?fields=last_read&filter%5Buser%5D%5B_eq%5D=%24CURRENT_USER",
                                TestDirectus.loginToken(ALICE_EMAIL, ALICE_PASSWORD),
                                null)
                        .path("data")
                        .valueStream()
                        .map(row -> row.path("last_read").asLong()))
                .as("the read position written by the drain, on the pool that outlasts the close event")
                .contains(id);
    }

    @Test
    void aDrainingAppRefusesNewStreamsAndClosesItsDirectusSockets() {
        start();
        ChatClient alice = loggedIn();
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        try (SseConnection open = connected(alice)) {
            assertThat(meters.get("directus.realtime.sessions").gauge().value()).isEqualTo(1);
            assertThat(meters.get("chat.streams").gauge().value()).isEqualTo(1);

            app.getBean(ChatSessions.class).stop();

            open.awaitEnd(WAIT);
            assertThat(open.endedCleanly()).isTrue();
            assertThat(meters.get("directus.realtime.sessions").gauge().value()).isZero();
            assertThat(meters.get("chat.streams").gauge().value()).isZero();
        }
        try (SseConnection refused = alice.stream("since=0", null)) {
            assertThat(refused.status()).isEqualTo(503);
        }
    }
}
