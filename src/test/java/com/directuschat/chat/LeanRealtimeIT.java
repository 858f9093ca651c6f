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
import com.directuschat.testsupport.TestUsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** Subscriptions carry ids only; the instance reads each message once; sockets close when no tab is open. */
@DirectusTest
@TestPropertySource(properties = "chat.realtime-idle-timeout=1s")
class LeanRealtimeIT {

    private static final Duration WAIT = Duration.ofSeconds(45);

    @LocalServerPort
    int port;

    @Autowired
    MessageCache cache;

    @Autowired
    ChatSessions sessions;

    private ChatClient login(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.login(email, password);
        return client;
    }

    private static String since(ChatClient client) {
        Matcher since = Pattern.compile("since=(\\d+)").matcher(client.get("/").body());
        assertThat(since.find()).isTrue();
        return since.group(1);
    }

    private static SseConnection live(ChatClient client, String since) {
        SseConnection stream = client.stream("since=" + since, null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
        return stream;
    }

    @Test
    void eachMessageIsReadFromDirectusOnceWhateverTheNumberOfReaders() {
        List<ChatClient> readers = List.of(
                login(ALICE_EMAIL, ALICE_PASSWORD),
                login(BOB_EMAIL, BOB_PASSWORD),
                login(TestUsers.userEmail(3), TestUsers.USER_PASSWORD));
        List<SseConnection> streams = new ArrayList<>();
        try {
            for (ChatClient reader : readers) {
                streams.add(live(reader, since(reader)));
            }
            long readsBefore = cache.directusReads();
            String token = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
            long id = DirectusRest.createMessage(
                    TestDirectus.shared().url(), token, "straight into directus " + UUID.randomUUID());
            for (SseConnection stream : streams) {
                stream.await(e -> String.valueOf(id).equals(e.id()) && e.data().contains("Bob Example"), WAIT);
            }
            assertThat(cache.directusReads() - readsBefore).isEqualTo(1);

            // Sent through us: the create's answer is the message, so its event costs no read at all.
            String text = "through the chat " + UUID.randomUUID();
            assertThat(readers.get(0).sendMessage(text).statusCode()).isEqualTo(204);
            for (SseConnection stream : streams) {
                stream.await(e -> e.isMessage() && e.data().contains(text), WAIT);
            }
            assertThat(cache.directusReads() - readsBefore).isEqualTo(1);
            for (SseConnection stream : streams) {
                assertThat(stream.messages().stream()
                                .filter(e -> String.valueOf(id).equals(e.id())))
                        .hasSize(1);
            }
        } finally {
            streams.forEach(SseConnection::close);
        }
    }

    @Test
    void aLoginWithNoOpenTabClosesItsSocketAndTheNextTabCatchesUpById() {
        ChatClient alice = login(ALICE_EMAIL, ALICE_PASSWORD);
        String since = since(alice);
        try (SseConnection first = live(alice, since)) {
            assertThat(sessions.find(alice.sessionId()).isConnected()).isTrue();
        }
        ChatSession session = sessions.find(alice.sessionId());
        await().atMost(WAIT).until(() -> !session.isConnected());

        String token = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        List<Long> whileAway = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            whileAway.add(DirectusRest.createMessage(TestDirectus.shared().url(), token, "while away " + i));
        }
        // Still logged in: the page renders, and a new tab reopens the socket and replays by id.
        assertThat(alice.get("/").statusCode()).isEqualTo(200);
        try (SseConnection next = live(alice, since)) {
            long last = whileAway.get(whileAway.size() - 1);
            next.await(e -> String.valueOf(last).equals(e.id()), WAIT);
            List<Long> received =
                    next.messages().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(received).containsAll(whileAway).doesNotHaveDuplicates().isSorted();
            assertThat(session.isConnected()).isTrue();
        }
    }
}
