package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.directuschat.testsupport.TestUsers.NOACCESS_EMAIL;
import static com.directuschat.testsupport.TestUsers.NOACCESS_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;

/** Directus decides who may read the chat: a user whose policy cannot read messages gets a clear page and no stream. */
@DirectusTest
class NoAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @Test
    void aUserWithoutReadAccessSeesAClearPageAndGetsNothingOverSse() {
        ChatClient noAccess = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = noAccess.login(NOACCESS_EMAIL, NOACCESS_PASSWORD);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/"));

        HttpResponse<String> page = noAccess.get("/");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("You don't have access to this chat").doesNotContain("role=\"log\"")
                .doesNotContain("sse-connect");

        String secret = "not for noaccess " + UUID.randomUUID();
        try (SseConnection stream = noAccess.stream("since=0", null)) {
            assertThat(stream.status()).isEqualTo(403);
            stream.awaitEnd(WAIT);
            assertThat(stream.raw()).contains("You don't have access to this chat.");
            DirectusRest.createMessage(TestDirectus.shared().url(), TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), secret);
            assertThat(stream.events()).isEmpty();
        }

        HttpResponse<String> send = noAccess.sendMessage("let me in " + UUID.randomUUID());
        assertThat(send.statusCode()).isEqualTo(403);
        assertThat(send.body()).contains("Directus does not allow you to post in this chat.");
        assertThat(noAccess.everythingReceived()).doesNotContain(secret);
    }
}
