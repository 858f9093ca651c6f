package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A stream lives {@code chat.stream-timeout} (5 min by default; 2 s here), then the server ends it cleanly, with no
 * warning in the log, and the browser's reconnect with Last-Event-ID gets what was sent in between, once.
 */
@DirectusTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "chat.stream-timeout=2s")
class StreamRecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Test
    void aStreamPastItsTimeEndsCleanlyAndItsReconnectResumes(CapturedOutput output) throws Exception {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        Matcher since = Pattern.compile("since=(\\d+)").matcher(alice.get("/").body());
        assertThat(since.find()).isTrue();
        ChatClient bob = new ChatClient("http://127.0.0.1:" + port);
        bob.login(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");
        String tag = UUID.randomUUID().toString();

        String position;
        long before;
        try (SseConnection first = alice.stream("since=" + since.group(1), null)) {
            assertThat(bob.sendMessage("before the recycle " + tag).statusCode())
                    .isEqualTo(204);
            before = Long.parseLong(first.await(
                            e -> e.isMessage() && e.data().contains("before the recycle " + tag), WAIT)
                    .id());
            first.awaitEnd(WAIT);
            assertThat(first.endedCleanly()).as("ended by the server, not torn").isTrue();
            assertThat(first.status()).isEqualTo(200);
            // The tab's position: up to where Directus has confirmed everything (its event for the message may
            // come after the 2 s are over; then the reconnect gets the message again, as it should).
            position = first.events().stream()
                    .map(SseEvent::position)
                    .filter(p -> p != null && !p.isEmpty())
                    .reduce((a, b) -> b)
                    .orElse(since.group(1));
        }

        assertThat(bob.sendMessage("while away " + tag).statusCode()).isEqualTo(204);
        try (SseConnection second = alice.stream("since=" + since.group(1), position)) {
            second.await(e -> e.isMessage() && e.data().contains("while away " + tag), WAIT);
            List<String> got = second.messages().stream()
                    .filter(e -> e.data().contains(tag))
                    .map(e -> e.data().contains("while away") ? "while away" : "before")
                    .toList();
            assertThat(got)
                    .as("from position %s (the first message is %d): each message once", position, before)
                    .isEqualTo(
                            Long.parseLong(position) >= before
                                    ? List.of("while away")
                                    : List.of("before", "while away"));
        }
        assertThat(output.getAll()).doesNotContain("AsyncRequestTimeoutException");
    }
}
