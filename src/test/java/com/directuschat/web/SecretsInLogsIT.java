package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.USER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.auth.LoginInspector;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole session of an ordinary user, failures included (wrong password, tokens expiring every 3
 * seconds, Directus killed, logout without Directus): no access token, refresh token or password shows
 * up in any log line, exception message or response.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    static DirectusInstance directus;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicated(Map.of("ACCESS_TOKEN_TTL", "3s"));
        registry.add("directus.url", directus::url);
        registry.add("directus.local.enabled", () -> "false");
    }

    @AfterAll
    static void stop() {
        directus.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void noSecretEverReachesALogLineOrAResponse(CapturedOutput output) {
        String email = TestUsers.userEmail(5);
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        secrets.add(USER_PASSWORD);
        ChatClient user = new ChatClient("http://127.0.0.1:" + port);

        HttpResponse<String> wrong = user.login(email, "not-" + USER_PASSWORD);
        assertThat(wrong.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("error=credentials"));
        HttpResponse<String> login = user.login(email, USER_PASSWORD);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        assertThat(user.get("/").statusCode()).isEqualTo(200);

        try (SseConnection stream = user.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            // Keep chatting until the tokens have been refreshed at least twice, noting every token seen.
            int[] n = {0};
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        secrets.add(LoginInspector.accessToken(context, user.sessionId()));
                        secrets.add(LoginInspector.refreshToken(context, user.sessionId()));
                        String text = "secret scan " + n[0]++;
                        assertThat(user.sendMessage(text).statusCode()).isEqualTo(204);
                        return secrets.size() >= 1 + 3 * 2;
                    });
            String last = "secret scan " + (n[0] - 1) + "</p>";
            stream.await(e -> e.isMessage() && e.data().contains(last), WAIT);

            directus.kill();
            HttpResponse<String> failedSend = user.sendMessage("while directus is down " + UUID.randomUUID());
            assertThat(failedSend.statusCode()).isEqualTo(503);
            assertThat(user.get("/").statusCode()).isEqualTo(503);
            stream.await(e -> "status".equals(e.name()) && !e.data().contains("Connected"), WAIT);
        }
        ChatClient other = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> unreachable = other.login(email, USER_PASSWORD);
        assertThat(unreachable.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("error=unreachable"));
        HttpResponse<String> logout = user.logout();
        assertThat(logout.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("/login?logout"));

        String logs = output.getAll();
        assertThat(logs).contains("Login of " + email + " refused").contains("Could not revoke a Directus session");
        String responses = user.everythingReceived() + other.everythingReceived();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(7);
        for (String secret : secrets) {
            assertThat(logs).as("logs").doesNotContain(secret);
            assertThat(responses).as("responses").doesNotContain(secret);
        }
        // No JWT at all (an access token we did not catch in between would still start like this).
        assertThat(logs).doesNotContain("eyJ");
        assertThat(responses).doesNotContain("eyJ");
    }
}
