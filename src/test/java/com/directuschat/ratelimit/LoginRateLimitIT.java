package com.directuschat.ratelimit;

import static com.directuschat.testsupport.TestUsers.USER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Login limits per email and per client IP, where the client IP is the TCP peer: with no trusted proxy
 * configured (the default), X-Forwarded-For and X-Forwarded-Proto are ignored.
 */
@DirectusTest
@TestPropertySource(
        properties = {
            "chat.rate-limit.login-per-ip=8",
            "chat.rate-limit.login-per-email=3",
            "chat.rate-limit.login-period=10m"
        })
class LoginRateLimitIT {

    @LocalServerPort
    int port;

    private HttpResponse<String> attempt(String email, String password, Map<String, String> headers) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.get("/login");
        return client.postForm("/login", Map.of("email", email, "password", password), false, headers);
    }

    @Test
    void loginAttemptsAreLimitedPerEmailAndPerIpAndForwardedHeadersCannotDodgeIt() {
        String victim = "nobody-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> wrong = attempt(victim, "guess-" + i, Map.of());
            assertThat(wrong.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).contains("error=credentials"));
        }
        HttpResponse<String> limited = attempt(victim, "guess-4", Map.of());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 600L));
        assertThat(limited.body())
                .contains("Too many login attempts. Please wait")
                .contains("value=\"" + victim + "\"")
                .contains("name=\"_csrf\"")
                .contains("<form");

        // Another email from the same address is fine until the address's own limit.
        HttpResponse<String> other = attempt(TestUsers.userEmail(5), USER_PASSWORD, Map.of());
        assertThat(other.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));

        // Attempts 6 to 8 of this address, each claiming another client IP.
        for (int i = 6; i <= 8; i++) {
            HttpResponse<String> spoofed = attempt(
                    "someone-" + UUID.randomUUID() + "@example.com",
                    "x",
                    Map.of("X-Forwarded-For", "203.0.113." + i, "X-Forwarded-Proto", "https"));
            assertThat(spoofed.statusCode()).isEqualTo(302);
            assertThat(spoofed.headers().firstValue("Strict-Transport-Security"))
                    .as("untrusted X-Forwarded-Proto")
                    .isEmpty();
            spoofed.headers().allValues("Set-Cookie").forEach(c -> assertThat(c).doesNotContain("Secure"));
        }
        HttpResponse<String> dodge = attempt(
                "someone-" + UUID.randomUUID() + "@example.com",
                "x",
                Map.of(
                        "X-Forwarded-For",
                        "198.51.100.77",
                        "X-Real-IP",
                        "198.51.100.78",
                        "Forwarded",
                        "for=198.51.100.79"));
        assertThat(dodge.statusCode()).isEqualTo(429);
        assertThat(dodge.body()).contains("Too many login attempts");
    }
}
