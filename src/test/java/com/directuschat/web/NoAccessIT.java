package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.directuschat.testsupport.TestUsers.NOACCESS_EMAIL;
import static com.directuschat.testsupport.TestUsers.NOACCESS_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

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
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));

        HttpResponse<String> page = noAccess.get("/");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body())
                .contains("You don't have access to this chat")
                .doesNotContain("role=\"log\"")
                .doesNotContain("sse-connect");

        // Bob may read: his live stream is the witness that a message has gone out to every stream that gets it.
        ChatClient bob = new ChatClient("http://127.0.0.1:" + port);
        bob.login(BOB_EMAIL, BOB_PASSWORD);
        Matcher since = Pattern.compile("since=(\\d+)").matcher(bob.get("/").body());
        assertThat(since.find()).isTrue();
        String before = "not for noaccess, sent before " + UUID.randomUUID();
        String during = "not for noaccess, sent while it asks " + UUID.randomUUID();
        try (SseConnection witness = bob.stream("since=" + since.group(1), null)) {
            witness.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            // Through the app, so that both are in its message cache, the place a leak would come from.
            assertThat(bob.sendMessage(before).statusCode()).isEqualTo(204);
            witness.await(e -> e.isMessage() && e.data().contains(before), WAIT);

            // since=0: a stream that opened would replay the first; the second is sent while it would be live.
            try (SseConnection stream = noAccess.stream("since=0", null)) {
                assertThat(bob.sendMessage(during).statusCode()).isEqualTo(204);
                witness.await(e -> e.isMessage() && e.data().contains(during), WAIT);

                assertThat(stream.messages()).isEmpty();
                assertThat(stream.raw()).doesNotContain(before).doesNotContain(during);
                assertThat(stream.status()).isEqualTo(403);
                stream.awaitEnd(WAIT);
                assertThat(stream.raw()).contains("You don't have access to this chat.");
                assertThat(stream.messages()).isEmpty();
            }
        }

        HttpResponse<String> send = noAccess.sendMessage("let me in " + UUID.randomUUID());
        assertThat(send.statusCode()).isEqualTo(403);
        assertThat(send.body()).contains("Directus does not allow you to post in this chat.");
        assertThat(noAccess.everythingReceived()).doesNotContain(before).doesNotContain(during);
    }
}
