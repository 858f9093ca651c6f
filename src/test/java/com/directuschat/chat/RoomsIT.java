package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Rooms over HTTP against the real Directus: pages, scoping of history and streams, unread counts. */
@DirectusTest
class RoomsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> HTMX = Map.of("HX-Request", "true");
    private static final Pattern LAST_ID = Pattern.compile("since=(\\d+)");

    @LocalServerPort
    int port;

    String slug;
    String roomName;

    @BeforeEach
    void newRoom() {
        // A room of its own per test: the shared Directus holds other tests' messages and read positions.
        slug = "room-" + UUID.randomUUID().toString().substring(0, 8);
        roomName = "Room " + slug.substring(5);
        new DirectusProvisioner(TestDirectus.adminClient(TestDirectus.shared().url()))
                .ensureRoom(slug, roomName, "For a test");
    }

    private ChatClient loggedIn(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        assertThat(client.login(email, password).statusCode()).isEqualTo(302);
        client.get("/");
        return client;
    }

    private static String since(String page) {
        Matcher matcher = LAST_ID.matcher(page);
        assertThat(matcher.find()).as("stream URL in the page").isTrue();
        return matcher.group(1);
    }

    private static void sent(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    @Test
    void eachRoomHasItsPageAndAnUnknownOrOddSlugIsAClearError() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        HttpResponse<String> page = alice.get("/rooms/" + slug);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<h2 id=\"room-name\">" + roomName + "</h2>")
                .contains("For a test")
                .contains("aria-label=\"Rooms\"")
                .contains("href=\"/rooms/" + slug + "\"")
                .contains("aria-current=\"page\"")
                .contains("sse-connect=\"/rooms/" + slug + "/stream?since=");
        assertThat(alice.get("/").body()).contains("<h2 id=\"room-name\">General</h2>");

        HttpResponse<String> unknown = alice.get("/rooms/no-such-room-here", Map.of("Accept", "text/html"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("<html").contains("There is no room called &quot;no-such-room-here&quot;");
        HttpResponse<String> odd = alice.get("/rooms/Not%20a%20slug%21");
        assertThat(odd.statusCode()).isEqualTo(400);
        assertThat(odd.body()).contains("lowercase letters, digits and dashes");
        assertThat(alice.postForm("/rooms/no-such-room-here/messages", Map.of("content", "lost?"), true)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void htmxGetsTheAppAloneForASwap() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        HttpResponse<String> fragment = alice.get("/rooms/" + slug, HTMX);
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body())
                .startsWith("<div id=\"app\"")
                .doesNotContain("<html")
                .contains(roomName);
    }

    @Test
    void aMessageGoesToItsRoomOnlyAndCountsAsUnreadElsewhere() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        // A room never opened has no "unread" line; once opened, it has a place where Alice left off.
        assertThat(alice.get("/rooms/" + slug).body()).doesNotContain("id=\"unread-divider\"");
        String generalSince = since(alice.get("/").body());
        try (SseConnection general = alice.streamAt("/messages/stream", "since=" + generalSince, null)) {
            general.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            String tag = UUID.randomUUID().toString();
            sent(bob.postForm("/rooms/" + slug + "/messages", Map.of("content", "in the room " + tag), true));
            // The room's count reaches the tab in general live, with an accessible name.
            SseEvent rooms =
                    general.await(e -> "rooms".equals(e.name()) && e.data().contains(roomName), WAIT);
            assertThat(rooms.data()).contains(", 1 unread");
            sent(bob.postForm("/messages", Map.of("content", "in general " + tag), true));
            general.await(e -> e.isMessage() && e.data().contains("in general " + tag), WAIT);
            assertThat(general.messages()).noneMatch(e -> e.data().contains("in the room " + tag));

            // Opening the room: the message is there under the unread line, and the room's count is gone.
            String room = alice.get("/rooms/" + slug).body();
            assertThat(room)
                    .contains("in the room " + tag)
                    .contains("id=\"unread-divider\"")
                    .doesNotContain(roomName + ", 1 unread");
            assertThat(room.indexOf("id=\"unread-divider\"")).isLessThan(room.indexOf("in the room " + tag));
        }
    }

    @Test
    void readPositionsLiveInDirectusAndSurviveANewLogin() {
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        String tag = UUID.randomUUID().toString();
        sent(bob.postForm("/rooms/" + slug + "/messages", Map.of("content", "first " + tag), true));
        sent(bob.postForm("/rooms/" + slug + "/messages", Map.of("content", "second " + tag), true));

        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(alice.get("/").body()).contains("aria-label=\"" + roomName + ", 2 unread\"");
        assertThat(alice.get("/rooms/" + slug).body()).contains("second " + tag);

        // Another device (a new login) finds the room read, once the position is written (at once on the page).
        ChatClient aliceElsewhere = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(aliceElsewhere.get("/").body())
                        .contains(roomName)
                        .doesNotContain("aria-label=\"" + roomName + ","));
        assertThat(aliceElsewhere.get("/rooms/" + slug).body()).doesNotContain("id=\"unread-divider\"");

        // What Bob posts next is unread on that device too, under the line where Alice left off.
        sent(bob.postForm("/rooms/" + slug + "/messages", Map.of("content", "third " + tag), true));
        ChatClient aliceThird = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(aliceThird.get("/").body()).contains("aria-label=\"" + roomName + ", 1 unread\"");
        String room = aliceThird.get("/rooms/" + slug).body();
        assertThat(room.indexOf("second " + tag)).isLessThan(room.indexOf("id=\"unread-divider\""));
        assertThat(room.indexOf("id=\"unread-divider\"")).isLessThan(room.indexOf("third " + tag));

        // Bob's own messages are never unread for him.
        assertThat(bob.get("/").body()).doesNotContain("aria-label=\"" + roomName + ",");
    }

    @Test
    void aStreamReplaysOnlyItsRoom() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        String since = since(alice.get("/rooms/" + slug).body());
        String tag = UUID.randomUUID().toString();
        sent(bob.postForm("/messages", Map.of("content", "general while away " + tag), true));
        sent(bob.postForm("/rooms/" + slug + "/messages", Map.of("content", "room while away " + tag), true));
        try (SseConnection stream = alice.streamAt("/rooms/" + slug + "/stream", "since=" + since, null)) {
            stream.await(e -> e.isMessage() && e.data().contains("room while away " + tag), WAIT);
            assertThat(stream.messages()).noneMatch(e -> e.data().contains("general while away " + tag));
        }
    }
}
