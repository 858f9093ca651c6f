package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tab that stops reading must not hold up anyone else, nor make the server buffer without bound. Replays read
 * pages of 25 here, so that a replay of 60 takes several.
 */
@DirectusTest
@TestPropertySource(properties = {"chat.stream-queue-capacity=20", "chat.backfill-limit=25"})
class StalledReaderIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    ChatSessions sessions;

    @Autowired
    MeterRegistry meters;

    private double overflows() {
        return meters.get("chat.stream.overflows").counter().count();
    }

    @Test
    void aStalledStreamIsCutAtItsQueueBoundWhileOthersKeepReceiving() throws Exception {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        Matcher since = Pattern.compile("since=(\\d+)").matcher(alice.get("/").body());
        assertThat(since.find()).isTrue();
        ChatClient bob = new ChatClient("http://127.0.0.1:" + port);
        bob.login(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");

        try (Socket stalled = new Socket();
                SseConnection healthy = bob.stream("since=" + since.group(1), null)) {
            // Alice's tab: asks for the stream, then never reads. A tiny receive buffer fills at once.
            stalled.setReceiveBufferSize(2048);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /messages/stream?since=" + since.group(1) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Accept: text/event-stream\r\nCookie: JSESSIONID=" + alice.sessionId() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stalled.getInputStream();
            assertThat(in.read()).isEqualTo('H'); // the response started; from here on nobody reads
            ChatSession aliceSession =
                    await().atMost(WAIT).until(() -> sessions.find(alice.sessionId()), s -> s != null);
            await().atMost(WAIT).until(() -> aliceSession.streams().size() == 1);
            MessageStream stalledStream = aliceSession.streams().get(0);
            healthy.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);

            double overflowsBefore = overflows();
            String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
            String body = "x".repeat(1900);
            List<Long> created = new ArrayList<>();
            JsonMapper json = JsonMapper.builder().build();
            // Batches smaller than the queue: a healthy reader never has more than one batch waiting.
            for (int batch = 0; batch < 300 && overflows() == overflowsBefore; batch++) {
                List<Map<String, String>> items = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    items.add(Map.of("content", "stall " + batch + "-" + i + " " + body));
                }
                DirectusRest.call(
                                TestDirectus.shared().url(),
                                "POST",
                                "/items/messages",
                                bobToken,
                                json.writeValueAsString(items))
                        .path("data")
                        .forEach(item -> created.add(item.path("id").asLong()));
                assertThat(stalledStream.queued()).isLessThanOrEqualTo(20);
            }

            await().atMost(WAIT).until(() -> overflows() > overflowsBefore);
            assertThat(stalledStream.isClosed()).isTrue();
            assertThat(stalledStream.queued()).isZero();
            assertThat(meters.get("chat.stream.queue.depth").summary().max()).isLessThanOrEqualTo(20);
            await().atMost(WAIT).until(() -> aliceSession.streams().isEmpty());

            // Bob's tab got every message, once, in order, while Alice's tab was stuck.
            long last = created.get(created.size() - 1);
            healthy.await(e -> String.valueOf(last).equals(e.id()), WAIT);
            List<Long> received =
                    healthy.messages().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(received).containsAll(created).isSorted().doesNotHaveDuplicates();
        }
    }

    /** Longer than the queue and than one replay's page: all of it, once, in order, and nothing overflows. */
    @Test
    void aReplayLongerThanTheQueueIsDeliveredInFullAtTheReadersPace() {
        ChatClient bob = new ChatClient("http://127.0.0.1:" + port);
        bob.login(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            created.add(DirectusRest.createMessage(TestDirectus.shared().url(), bobToken, "replay " + i));
        }
        double overflowsBefore = overflows();
        try (SseConnection stream = bob.stream("since=" + (created.get(0) - 1), null)) {
            long last = created.get(created.size() - 1);
            stream.await(e -> String.valueOf(last).equals(e.id()), WAIT);
            List<Long> received =
                    stream.messages().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(received).containsAll(created).isSorted().doesNotHaveDuplicates();
        }
        assertThat(overflows()).isEqualTo(overflowsBefore);
    }
}
