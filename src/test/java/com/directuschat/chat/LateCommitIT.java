package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * On PostgreSQL a lower id can commit after a higher one. Such a message is made here by creating it, as the admin,
 * with an id below the page's position that was taken and freed before the page was rendered: once between the
 * render and the stream (the replay brings it), once while the stream is live (the live event does). The page,
 * which says what it shows near its position ({@code shown=}, as chat.js does), gets both, once, and nothing it
 * shows again.
 */
@DirectusTest
class LateCommitIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern MESSAGE_ID = Pattern.compile("id=\"m-(\\d+)\"");
    private static final Pattern SINCE = Pattern.compile("since=(\\d+)");
    /** {@code chat.backfill-overlap}'s default. */
    private static final int OVERLAP = 20;

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void lowerIdsCommittedLateBelowThePagesPositionComeOnce() {
        String directus = TestDirectus.shared().url();
        String admin = TestDirectus.adminToken();
        String bob = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long before = DirectusRest.createMessage(directus, bob, "late " + tag + " before");
        long replayed = DirectusRest.createMessage(directus, bob, "late " + tag + " taken, freed");
        long live = DirectusRest.createMessage(directus, bob, "late " + tag + " taken, freed");
        long after = DirectusRest.createMessage(directus, bob, "late " + tag + " after");
        DirectusRest.call(directus, "DELETE", "/items/messages/" + replayed, admin, null);
        DirectusRest.call(directus, "DELETE", "/items/messages/" + live, admin, null);

        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        String page = alice.get("/").body();
        Matcher sinceMatch = SINCE.matcher(page);
        assertThat(sinceMatch.find()).isTrue();
        long since = Long.parseLong(sinceMatch.group(1));
        assertThat(replayed).as("within the overlap below the page's position").isGreaterThan(since - OVERLAP);
        List<Long> shown = new ArrayList<>();
        Matcher ids = MESSAGE_ID.matcher(page);
        while (ids.find()) {
            long id = Long.parseLong(ids.group(1));
            if (id > since - OVERLAP && id <= since) {
                shown.add(id);
            }
        }
        assertThat(shown).contains(before, after).doesNotContain(replayed, live);

        commitLate(directus, admin, replayed, "late " + tag + " committed before the stream opened");
        String query = "since=" + since + "&shown="
                + shown.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (SseConnection stream = alice.stream(query, null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            stream.await(e -> String.valueOf(replayed).equals(e.id()), WAIT);
            commitLate(directus, admin, live, "late " + tag + " committed while the stream is live");
            stream.await(e -> String.valueOf(live).equals(e.id()), WAIT);
            long fence = DirectusRest.createMessage(directus, bob, "late " + tag + " fence");
            stream.await(e -> String.valueOf(fence).equals(e.id()), WAIT);

            List<Long> received =
                    stream.messages().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(received).doesNotHaveDuplicates().doesNotContainAnyElementsOf(shown);
            assertThat(received.stream().filter(id -> id <= since)).containsExactly(replayed, live);
        }
    }

    /** Creates a message with the id given: one below ids already committed, as a slow transaction commits. */
    private void commitLate(String directus, String admin, long id, String content) {
        DirectusRest.createMessageWithId(directus, admin, id, content);
    }
}
