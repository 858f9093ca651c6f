package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Every spelling of the login route that Spring Security takes as a login is counted by the login limits: a
 * percent-encoded path logs in like {@code /login}, so it must not dodge them. The same properties as
 * {@link TrustedProxyIT} (one app for both); each test is another client by X-Forwarded-For, so each has its own
 * per-IP bucket of 2.
 */
@DirectusTest
@TestPropertySource(
        properties = {"server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1", "chat.rate-limit.login-per-ip=2"})
class LoginPathSpellingsIT {

    @LocalServerPort
    int port;

    private HttpResponse<String> attempt(String path, String clientIp) {
        Map<String, String> headers = Map.of("X-Forwarded-For", clientIp);
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.get("/login", headers);
        return client.postForm(
                path, Map.of("email", "s-" + UUID.randomUUID() + "@example.com", "password", "x"), false, headers);
    }

    private static void assertWrongPassword(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .as("Spring Security took it for a login")
                .hasValueSatisfying(l -> assertThat(l).contains("/login?error=credentials"));
    }

    private static void assertLimited(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains("Too many login attempts").contains("name=\"_csrf\"");
    }

    @Test
    void aPercentEncodedLoginPathIsCounted() {
        String client = "198.51.100.31";
        assertWrongPassword(attempt("/%6Cogin", client));
        assertWrongPassword(attempt("/%6Cogin", client));
        assertLimited(attempt("/%6Cogin", client));
    }

    @Test
    void spellingsShareOneCount() {
        String client = "198.51.100.32";
        assertWrongPassword(attempt("/lo%67in", client));
        assertWrongPassword(attempt("/%6cogin", client));
        assertLimited(attempt("/login", client));
    }
}
