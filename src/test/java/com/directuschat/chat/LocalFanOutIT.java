package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Against the real Directus: Directus's {@code /permissions/me} says a chat user reads every room, so a message
 * sent through this chat goes to the other logins' tabs straight from the send (Directus's event then only
 * confirms it), once, with its author's name; edits and deletes likewise.
 */
@DirectusTest
class LocalFanOutIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Pattern ID = Pattern.compile("data-id=\"(\\d+)\"");

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    MessageCache cache;

    private ChatClient login(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.login(email, password);
        return client;
    }

    private SseConnection live(ChatClient client) {
        Matcher since = Pattern.compile("since=(\\d+)").matcher(client.get("/").body());
        assertThat(since.find()).isTrue();
        SseConnection stream = client.stream("since=" + since.group(1), null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
        return stream;
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private double counter(String name) {
        return meters.find(name).counter() == null
                ? 0
                : meters.get(name).counter().count();
    }

    @Test
    void aMessageSentHereReachesTheOtherTabsOnceStraightFromTheSendAndEditsAndDeletesFollow() {
        ChatClient alice = login(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = login(BOB_EMAIL, BOB_PASSWORD);
        try (SseConnection aliceStream = live(alice);
                SseConnection bobStream = live(bob)) {
            // Directus was asked, for each login, whether it reads every room: the provisioned policy says yes.
            await().atMost(WAIT).until(() -> gauge("chat.sessions.local") >= 2);
            double fannedOut = counter("chat.fanout.local");
            long readsBefore = cache.directusReads();

            String text = "sent through the chat " + UUID.randomUUID();
            assertThat(bob.sendMessage(text).statusCode()).isEqualTo(204);
            SseEvent got = aliceStream.await(e -> e.isMessage() && e.data().contains(text), WAIT);
            assertThat(got.data()).contains("Bob Example");
            bobStream.await(e -> e.isMessage() && e.data().contains(text), WAIT);
            assertThat(counter("chat.fanout.local") - fannedOut).isGreaterThanOrEqualTo(2);
            assertThat(cache.directusReads())
                    .as("the create's answer is the message")
                    .isEqualTo(readsBefore);
            Matcher id = ID.matcher(got.data());
            assertThat(id.find()).isTrue();
            long messageId = Long.parseLong(id.group(1));
            assertThat(Long.parseLong(got.position()))
                    .as("the position never runs ahead of the message")
                    .isLessThanOrEqualTo(messageId);

            String edited = "edited through the chat " + UUID.randomUUID();
            assertThat(bob.patchForm("/messages/" + messageId, Map.of("content", edited))
                            .statusCode())
                    .isEqualTo(200);
            aliceStream.await(e -> "message-change".equals(e.name()) && e.data().contains(edited), WAIT);

            assertThat(bob.delete("/messages/" + messageId).statusCode()).isIn(200, 204);
            aliceStream.await(
                    e -> "message-change".equals(e.name())
                            && e.data().contains("m-" + messageId + "\" hx-swap-oob=\"delete\""),
                    WAIT);

            // A later message from elsewhere confirms everything before it; nothing came twice.
            String later = "later " + UUID.randomUUID();
            assertThat(alice.sendMessage(later).statusCode()).isEqualTo(204);
            aliceStream.await(e -> e.isMessage() && e.data().contains(later), WAIT);
            assertThat(aliceStream.messages().stream().filter(e -> e.data().contains(text)))
                    .hasSize(1);
        }
    }
}
