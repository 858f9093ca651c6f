package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Garbage on every endpoint gets a 4xx with a short message, never a 500 or a stack trace, and others are not disturbed. */
@DirectusTest
class HostileInputIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    ChatClient alice;
    HttpClient raw = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeEach
    void logIn() {
        alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
    }

    /** A post with Alice's session cookie and CSRF token, with any body and content type. */
    private HttpResponse<String> post(String path, String contentType, byte[] body) {
        return request("POST", path, contentType, body);
    }

    /** A request with Alice's session cookie and CSRF token, with any method, body and content type. */
    private HttpResponse<String> request(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Cookie", "JSESSIONID=" + alice.sessionId())
                .header("X-CSRF-TOKEN", alice.csrf())
                .header("HX-Request", "true")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return raw.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertClean4xx(HttpResponse<String> response, String what) {
        assertThat(response.statusCode()).as(what + ": " + response.body()).isBetween(400, 499);
        assertNoInternals(response.body(), what);
        assertThat(response.body().strip()).as(what).isNotEmpty();
    }

    private static void assertNoInternals(String body, String what) {
        assertThat(body)
                .as(what)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("at com.")
                .doesNotContain("at org.")
                .doesNotContain("Whitelabel")
                .doesNotContain("\"trace\"");
    }

    @Test
    void randomBytesAndInvalidUtf8AreRefused() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertClean4xx(post("/messages", "application/x-www-form-urlencoded", noise), "random bytes as a form");
        assertClean4xx(post("/messages", "application/octet-stream", noise), "random bytes");
        byte[] invalidUtf8 = {'c', 'o', 'n', 't', 'e', 'n', 't', '=', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE
        };
        assertClean4xx(
                post("/messages", "application/x-www-form-urlencoded; charset=UTF-8", invalidUtf8), "invalid UTF-8");
        assertClean4xx(
                post(
                        "/messages",
                        "application/x-www-form-urlencoded",
                        "content=%C3%28%FF".getBytes(StandardCharsets.US_ASCII)),
                "invalid percent-encoded UTF-8");
        assertClean4xx(
                post(
                        "/messages",
                        "application/x-www-form-urlencoded",
                        "content=%ZZ%".getBytes(StandardCharsets.US_ASCII)),
                "broken percent encoding");
        assertStillServing();
    }

    /** An edit's form body is read as strictly as a send's (by Tomcat): malformed, it is a 400 and changes nothing. */
    @Test
    void malformedEditBodiesAreRefusedAndChangeNothing() {
        String directus = TestDirectus.shared().url();
        String text = "kept " + UUID.randomUUID();
        long id = DirectusRest.createMessage(directus, TestDirectus.loginToken(ALICE_EMAIL, ALICE_PASSWORD), text);
        for (String body : List.of("content=%ZZ", "content=x%", "content=%ED%A0%80", "content=%C3%28%FF")) {
            assertClean4xx(
                    request(
                            "PATCH",
                            "/messages/" + id,
                            "application/x-www-form-urlencoded",
                            body.getBytes(StandardCharsets.US_ASCII)),
                    "edit with " + body);
        }
        assertThat(DirectusRest.call(
                                directus,
                                "GET",
                                "/items/messages/" + id + "?fields=content",
                                TestDirectus.adminToken(),
                                null)
                        .path("data")
                        .path("content")
                        .asString())
                .isEqualTo(text);
        assertStillServing();
    }

    @Test
    void aTenMegabyteBodyIsRefusedAsTooLarge() {
        byte[] huge = ("content=" + "x".repeat(10 * 1024 * 1024)).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> response = post("/messages", "application/x-www-form-urlencoded", huge);
        assertClean4xx(response, "10 MB");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("at most 64 KB");
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue(SecurityConfig.CONTENT_SECURITY_POLICY);
        HttpResponse<String> login = post("/login", "application/x-www-form-urlencoded", huge);
        assertThat(login.statusCode()).isEqualTo(413);
        assertStillServing();
    }

    @Test
    void missingDoubledAndWronglyTypedParametersAreRefused() {
        HttpResponse<String> missing = post("/messages", "application/x-www-form-urlencoded", new byte[0]);
        assertClean4xx(missing, "missing content");
        assertThat(missing.body()).contains("Type a message first.");
        HttpResponse<String> doubled = post(
                "/messages",
                "application/x-www-form-urlencoded",
                "content=a&content=b".getBytes(StandardCharsets.US_ASCII));
        assertClean4xx(doubled, "doubled content");
        assertThat(doubled.body()).contains("Send one message at a time.");
        assertClean4xx(
                post("/messages", "application/json", "{\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), "JSON");
        assertClean4xx(post("/messages", "text/plain", "content=hi".getBytes(StandardCharsets.UTF_8)), "text/plain");
        assertClean4xx(
                post("/messages", "multipart/form-data; boundary=x", "--x\r\nbroken".getBytes(StandardCharsets.UTF_8)),
                "broken multipart");
        assertClean4xx(post("/messages", null, "content=hi".getBytes(StandardCharsets.UTF_8)), "no content type");
        assertClean4xx(alice.get("/messages"), "GET on a POST endpoint");
        assertClean4xx(alice.get("/does-not-exist"), "unknown path");
        assertClean4xx(alice.get("/error"), "the error page, asked for itself");
        assertStillServing();
    }

    @Test
    void malformedStreamPositionsAreRefusedWithAReason() {
        for (String since : new String[] {"abc", "-1", "1e3", "99999999999999999999999", "%00", "1%0D%0Aevent:%20x"}) {
            try (SseConnection stream = alice.stream("since=" + since, null)) {
                assertThat(stream.status()).as("since=" + since).isEqualTo(400);
                stream.awaitEnd(WAIT);
                assertThat(stream.raw()).as("since=" + since).contains("since must be a message id");
                assertNoInternals(stream.raw(), since);
            }
        }
        for (String lastEventId : new String[] {"x", "-5", "1.5", "0x10", " 1 2", "9".repeat(40)}) {
            try (SseConnection stream = alice.stream("since=0", lastEventId)) {
                assertThat(stream.status()).as("Last-Event-ID " + lastEventId).isEqualTo(400);
                stream.awaitEnd(WAIT);
                assertThat(stream.raw()).contains("Last-Event-ID must be a message id");
            }
        }
        assertStillServing();
    }

    @Test
    void garbageLoginsAreRefusedWithoutAnError() {
        ChatClient stranger = new ChatClient("http://127.0.0.1:" + port);
        stranger.get("/login");
        HttpResponse<String> doubled = stranger.postForm(
                "/login", java.util.Map.of("email", "a@example.com,b@example.com", "password", "\u0000\uFFFF"), false);
        assertThat(doubled.statusCode()).isEqualTo(302);
        assertThat(doubled.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("/login?error="));
        // Undecodable parameters: Tomcat refuses them before any of our code runs.
        assertClean4xx(
                stranger.postRaw("/login", "email=%FF%FE&password=%00&email=x&_csrf=" + stranger.csrf(), false),
                "invalid UTF-8 login");
        HttpResponse<String> page = stranger.get("/login?error=%3Cscript%3E");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Directus refused the login.").doesNotContain("<script>");
        assertStillServing();
    }

    /** Another user, untouched by all this, can still log in and send. */
    private void assertStillServing() {
        ChatClient bob = new ChatClient("http://127.0.0.1:" + port);
        bob.login("bob@example.com", "bob-password");
        assertThat(bob.get("/").statusCode()).isEqualTo(200);
        assertThat(bob.sendMessage("still here " + UUID.randomUUID()).statusCode())
                .isEqualTo(204);
        assertThat(alice.get("/").statusCode()).isEqualTo(200);
    }
}
