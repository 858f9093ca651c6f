package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Headers, cookies and CSRF on every kind of response: pages, fragments, streams, static files, errors. */
@DirectusTest
class SecurityHeadersIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Markup the CSP would block: inline script, inline handlers, inline style, javascript: URLs, htmx eval. */
    private static final Pattern INLINE = Pattern.compile(
            "<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|\\sstyle\\s*=|javascript:|hx-on|<style",
            Pattern.CASE_INSENSITIVE);

    @LocalServerPort
    int port;

    private ChatClient client() {
        return new ChatClient("http://127.0.0.1:" + port);
    }

    @Test
    void everyResponseCarriesTheSecurityHeadersAndNoInlineCode() {
        List<HttpResponse<String>> responses = new ArrayList<>();
        ChatClient anonymous = client();
        responses.add(anonymous.get("/login"));
        responses.add(anonymous.get("/login?error=credentials"));
        responses.add(anonymous.get("/login?logout"));
        responses.add(anonymous.get("/"));
        responses.add(anonymous.get("/css/chat.css"));
        responses.add(anonymous.get("/js/chat.js"));
        responses.add(anonymous.get("/favicon.svg"));
        responses.add(anonymous.get("/webjars/htmx.org/2.0.10/dist/htmx.min.js"));
        responses.add(anonymous.postRaw("/messages", "content=x", true));
        responses.add(anonymous.get("/error"));

        ChatClient alice = client();
        responses.add(alice.login(ALICE_EMAIL, ALICE_PASSWORD));
        responses.add(alice.get("/"));
        responses.add(alice.sendMessage("headers " + UUID.randomUUID()));
        responses.add(alice.sendMessage(" "));
        responses.add(alice.postForm("/messages", Map.of("content", "x"), false));
        responses.add(alice.get("/no-such-page"));
        responses.add(alice.postRaw("/messages", "content=no-token", true));
        responses.add(alice.get("/messages"));
        responses.add(alice.get("/messages?before=abc"));
        responses.add(alice.postForm("/", Map.of(), false));
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()), WAIT);
            assertThat(stream.headers().firstValue("Content-Security-Policy"))
                    .hasValue(SecurityConfig.CONTENT_SECURITY_POLICY);
            assertThat(stream.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            stream.await(e -> e.isMessage(), WAIT);
            assertThat(stream.events()).allSatisfy(e -> assertThat(e.data()).doesNotContainPattern(INLINE));
        }
        responses.add(alice.logout());
        responses.add(alice.get("/login?logout"));

        assertThat(responses).extracting(HttpResponse::statusCode).contains(200, 302, 403, 404, 405, 422);
        for (HttpResponse<String> response : responses) {
            String what = response.request().method() + " " + response.uri() + " -> " + response.statusCode();
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .as(what)
                    .hasValue(SecurityConfig.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("X-Content-Type-Options"))
                    .as(what)
                    .hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy"))
                    .as(what)
                    .hasValue("same-origin");
            assertThat(response.headers().firstValue("X-Frame-Options"))
                    .as(what)
                    .hasValue("DENY");
            // Plain HTTP: no HSTS, no Secure cookie (see TrustedProxyIT for HTTPS behind a proxy).
            assertThat(response.headers().firstValue("Strict-Transport-Security"))
                    .as(what)
                    .isEmpty();
            response.headers()
                    .allValues("Set-Cookie")
                    .forEach(cookie -> assertThat(cookie).as(what).doesNotContain("Secure"));
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                assertThat(response.body()).as(what).doesNotContainPattern(INLINE);
            }
        }
    }

    @Test
    void theCspForbidsInlineAndEvalAndFraming() {
        String csp = SecurityConfig.CONTENT_SECURITY_POLICY;
        assertThat(csp)
                .contains("default-src 'self'")
                .contains("script-src 'self';")
                .contains("frame-ancestors 'none'")
                .contains("object-src 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval")
                .doesNotContain("*");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLax() {
        ChatClient alice = client();
        HttpResponse<String> login = alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        List<String> setCookies = new ArrayList<>(login.headers().allValues("Set-Cookie"));
        assertThat(setCookies).anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID="));
        for (String cookie : setCookies) {
            if (cookie.startsWith("JSESSIONID=")) {
                assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
                assertThat(HttpCookie.parse(cookie).get(0).isHttpOnly()).isTrue();
            }
        }
    }

    @Test
    void everyStateChangingPostNeedsTheCsrfToken() {
        ChatClient alice = client();
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(alice.get("/").statusCode()).isEqualTo(200);
        String session = alice.sessionId();

        String marker = "forged " + UUID.randomUUID();
        HttpResponse<String> htmxPost = alice.postRaw("/messages", "content=" + marker.replace(" ", "+"), true);
        assertThat(htmxPost.statusCode()).isEqualTo(403);
        HttpResponse<String> formPost =
                alice.postRaw("/messages", "content=" + marker.replace(" ", "+") + "&_csrf=wrong", false);
        assertThat(formPost.statusCode()).isEqualTo(403);

        HttpResponse<String> logout = alice.postRaw("/logout", "", false);
        assertThat(logout.statusCode()).isEqualTo(403);
        assertThat(alice.sessionId()).isEqualTo(session);
        assertThat(alice.get("/").statusCode()).as("still logged in").isEqualTo(200);
        assertThat(alice.get("/").body()).doesNotContain(marker);

        ChatClient stranger = client();
        stranger.get("/login");
        HttpResponse<String> login =
                stranger.postRaw("/login", "email=alice%40example.com&password=alice-password", false);
        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(stranger.get("/").statusCode()).as("not logged in").isEqualTo(302);

        assertThat(alice.logout().statusCode()).as("with the token").isEqualTo(302);
        assertThat(alice.get("/").statusCode()).isEqualTo(302);
    }
}
