package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** Logging in over another login in the same browser, without logging out first, ends the first one. */
@DirectusTest
class LoginReplacedIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void aSecondLoginInTheSameBrowserEndsTheFirstOnesChatSessionAndDirectusSession() {
        ChatClient browser = new ChatClient("http://127.0.0.1:" + port);
        assertThat(browser.login(TestUsers.userEmail(13), TestUsers.USER_PASSWORD)
                        .headers()
                        .firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        String firstSession = browser.sessionId();
        String firstRefresh = LoginInspector.refreshToken(context, firstSession);

        try (SseConnection stream = browser.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            HttpResponse<String> second = browser.login(TestUsers.userEmail(14), TestUsers.USER_PASSWORD);
            assertThat(second.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
            // The first login's chat session closed: its tab is told, and its stream (and realtime socket) end.
            stream.await(e -> "session-ended".equals(e.name()), WAIT);
            stream.awaitEnd(WAIT);
        }

        assertThat(browser.sessionId()).isNotEqualTo(firstSession);
        assertThat(LoginInspector.session(context, firstSession)).isNull();
        assertThat(DirectusRest.refreshStatus(TestDirectus.shared().url(), firstRefresh))
                .isBetween(400, 403);
        // The second login is whole.
        assertThat(browser.get("/").body()).contains("<span class=\"who\">User 14</span>");
        assertThat(browser.sendMessage("as the second login " + UUID.randomUUID())
                        .statusCode())
                .isEqualTo(204);
    }
}
