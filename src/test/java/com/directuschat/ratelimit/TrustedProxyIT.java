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
 * Behind a configured proxy (here: loopback), X-Forwarded-For names the client, so limits apply to the
 * real client and not to the proxy; and X-Forwarded-Proto: https turns on HSTS and Secure cookies.
 */
@DirectusTest
@TestPropertySource(
        properties = {"server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1", "chat.rate-limit.login-per-ip=2"})
class TrustedProxyIT {

    @LocalServerPort
    int port;

    private HttpResponse<String> attempt(Map<String, String> headers) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.get("/login", headers);
        return client.postForm(
                "/login", Map.of("email", "p-" + UUID.randomUUID() + "@example.com", "password", "x"), false, headers);
    }

    @Test
    void theClientIpComesFromTheTrustedProxy() {
        Map<String, String> first = Map.of("X-Forwarded-For", "198.51.100.1");
        assertThat(attempt(first).statusCode()).isEqualTo(302);
        assertThat(attempt(first).statusCode()).isEqualTo(302);
        assertThat(attempt(first).statusCode()).isEqualTo(429);
        assertThat(attempt(Map.of("X-Forwarded-For", "198.51.100.2")).statusCode())
                .as("another client")
                .isEqualTo(302);
    }

    @Test
    void httpsAtTheProxyMeansHstsAndSecureCookies() {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> https =
                client.get("/login", Map.of("X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.9"));
        assertThat(https.headers().firstValue("Strict-Transport-Security"))
                .hasValueSatisfying(v -> assertThat(v).contains("max-age="));
        assertThat(https.headers().allValues("Set-Cookie"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("JSESSIONID=")
                        .contains("Secure")
                        .contains("HttpOnly")
                        .containsIgnoringCase("SameSite=Lax"));

        HttpResponse<String> http = new ChatClient("http://127.0.0.1:" + port).get("/login");
        assertThat(http.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(http.headers().allValues("Set-Cookie"))
                .allSatisfy(c -> assertThat(c).doesNotContain("Secure"));
    }
}
