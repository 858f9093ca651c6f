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
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Editing and deleting one's own messages over HTTP, against the shared real Directus. */
@DirectusTest
class EditIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @Autowired
    MessageCache cache;

    String directus;
    String adminToken;

    @BeforeEach
    void setUp() {
        directus = TestDirectus.shared().url();
        adminToken = TestDirectus.adminToken();
    }

    private ChatClient loggedIn(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        assertThat(client.login(email, password).statusCode()).isEqualTo(302);
        return client;
    }

    private static String since(ChatClient client) {
        Matcher since = Pattern.compile("since=(\\d+)").matcher(client.get("/").body());
        assertThat(since.find()).isTrue();
        return since.group(1);
    }

    private static SseConnection live(ChatClient client) {
        SseConnection stream = client.stream("since=" + since(client), null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
        return stream;
    }

    /** Sends through the chat as this user; returns the new message's id, as its own stream delivers it. */
    private static long send(ChatClient client, SseConnection stream, String text) {
        assertThat(client.sendMessage(text).statusCode()).isEqualTo(204);
        return Long.parseLong(stream.await(e -> e.isMessage() && e.data().contains(text), WAIT)
                .id());
    }

    /** The message as Directus has it (read as admin), or null when it is gone. */
    private JsonNode stored(long id) {
        JsonNode data = DirectusRest.call(
                        directus,
                        "GET",
                        "/items/messages?fields=id,content,date_created,date_updated&filter%5Bid%5D%5B_eq%5D=" + id,
                        adminToken,
                        null)
                .path("data");
        return data.isEmpty() ? null : data.get(0);
    }

    /**
     * Directus 12.4.0's {@code date-updated} special: null when a message is created, set when it is updated. The
     * "edited" label relies on it.
     */
    @Test
    void directusLeavesDateUpdatedNullOnCreateAndSetsItOnUpdate() {
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        long id = DirectusRest.createMessage(directus, bobToken, "created " + UUID.randomUUID());
        JsonNode created = stored(id);
        assertThat(created.path("date_updated").isNull())
                .as("date_updated after create: %s", created)
                .isTrue();

        DirectusRest.call(directus, "PATCH", "/items/messages/" + id, bobToken, "{\"content\":\"updated\"}");
        JsonNode updated = stored(id);
        assertThat(updated.path("date_updated").isNull()).isFalse();
        Instant createdAt = Instant.parse(withZone(updated.path("date_created").asString()));
        Instant updatedAt = Instant.parse(withZone(updated.path("date_updated").asString()));
        assertThat(updatedAt).isAfterOrEqualTo(createdAt);
    }

    private static String withZone(String timestamp) {
        return timestamp.endsWith("Z") || timestamp.matches(".*[+-]\\d\\d:\\d\\d$") ? timestamp : timestamp + "Z";
    }

    @Test
    void bobsEditReachesAlicesStreamMarkedEditedAndWithoutButtonsForHer() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        try (SseConnection aliceStream = live(alice);
                SseConnection bobStream = live(bob)) {
            long id = send(bob, bobStream, "first draft " + UUID.randomUUID());
            aliceStream.await(e -> String.valueOf(id).equals(e.id()), WAIT);
            String text = "second draft <b>" + UUID.randomUUID();

            HttpResponse<String> edit = bob.patchForm("/messages/" + id, Map.of("content", "  " + text + "\n"));
            assertThat(edit.statusCode()).isEqualTo(200);
            assertThat(edit.body())
                    .contains("id=\"m-" + id + "\"")
                    .contains(escaped(text))
                    .contains(">edited<")
                    .contains(">Edit<")
                    .contains(">Delete<")
                    .doesNotContain("hx-swap-oob");

            SseEvent change = aliceStream.await(
                    e -> "message-change".equals(e.name()) && e.data().contains(escaped(text)), WAIT);
            assertThat(change.id()).isNull();
            assertThat(change.data())
                    .contains("id=\"m-" + id + "\"")
                    .contains("hx-swap-oob=\"true\"")
                    .contains(">edited<")
                    .contains("Bob Example")
                    .doesNotContain(">Edit<")
                    .doesNotContain(">Delete<")
                    .doesNotContain("<b>");
            SseEvent bobsChange = bobStream.await(
                    e -> "message-change".equals(e.name()) && e.data().contains(escaped(text)), WAIT);
            assertThat(bobsChange.data()).contains(">Edit<").contains(">Delete<");

            JsonNode stored = stored(id);
            assertThat(stored.path("content").asString()).isEqualTo(text);
            assertThat(stored.path("date_updated").isNull()).isFalse();
        }
    }

    /** An edit made straight in Directus (another client) reaches the chat too; the instance reads it once. */
    @Test
    void anEditMadeElsewhereIsReadOnceForAllStreams() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        try (SseConnection aliceStream = live(alice);
                SseConnection bobStream = live(bob)) {
            long id = send(bob, bobStream, "to be edited elsewhere " + UUID.randomUUID());
            aliceStream.await(e -> String.valueOf(id).equals(e.id()), WAIT);
            long readsBefore = cache.directusReads();
            String text = "edited in the Directus app " + UUID.randomUUID();
            DirectusRest.call(
                    directus,
                    "PATCH",
                    "/items/messages/" + id,
                    TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD),
                    "{\"content\":\"" + text + "\"}");
            for (SseConnection stream : new SseConnection[] {aliceStream, bobStream}) {
                stream.await(e -> "message-change".equals(e.name()) && e.data().contains(text), WAIT);
            }
            assertThat(cache.directusReads() - readsBefore).isEqualTo(1);
        }
    }

    @Test
    void bobsDeleteReachesAlicesStream() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        try (SseConnection aliceStream = live(alice);
                SseConnection bobStream = live(bob)) {
            long id = send(bob, bobStream, "regrettable " + UUID.randomUUID());
            aliceStream.await(e -> String.valueOf(id).equals(e.id()), WAIT);

            HttpResponse<String> delete = bob.delete("/messages/" + id);
            assertThat(delete.statusCode()).isEqualTo(200);
            assertThat(delete.body()).isBlank();

            String removal = "<li id=\"m-" + id + "\" hx-swap-oob=\"delete\"></li>";
            SseEvent change = aliceStream.await(
                    e -> "message-change".equals(e.name()) && e.data().contains(removal), WAIT);
            assertThat(change.id()).isNull();
            bobStream.await(e -> "message-change".equals(e.name()) && e.data().contains(removal), WAIT);
            assertThat(stored(id)).isNull();
            // Gone for good: a second delete finds nothing.
            assertThat(bob.delete("/messages/" + id).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aliceCannotEditOrDeleteBobsMessageAndNothingChanges() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        String original = "bob's own words " + UUID.randomUUID();
        long id = DirectusRest.createMessage(directus, TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), original);

        HttpResponse<String> edit = alice.patchForm("/messages/" + id, Map.of("content", "alice was here"));
        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(edit.body())
                .contains("You can only edit your own messages")
                .contains("Bob Example")
                .contains("role=\"alert\"");
        HttpResponse<String> delete = alice.delete("/messages/" + id);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(delete.body()).contains("You can only delete your own messages");

        JsonNode stored = stored(id);
        assertThat(stored.path("content").asString()).isEqualTo(original);
        assertThat(stored.path("date_updated").isNull()).isTrue();
    }

    @Test
    void anEmptyOrOversizeEditIsRefusedAndChangesNothing() {
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");
        String original = "keep me " + UUID.randomUUID();
        long id = DirectusRest.createMessage(directus, TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), original);

        HttpResponse<String> empty = bob.patchForm("/messages/" + id, Map.of("content", " \n\t "));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.body()).contains("Type a message first.");
        HttpResponse<String> missing = bob.patchForm("/messages/" + id, Map.of());
        assertThat(missing.statusCode()).isEqualTo(422);
        HttpResponse<String> oversize = bob.patchForm("/messages/" + id, Map.of("content", "x".repeat(2001)));
        assertThat(oversize.statusCode()).isEqualTo(422);
        assertThat(oversize.body()).contains("the limit is 2,000");

        JsonNode stored = stored(id);
        assertThat(stored.path("content").asString()).isEqualTo(original);
        assertThat(stored.path("date_updated").isNull()).isTrue();
    }

    @Test
    void forgedIdsAreRefusedWithAClearMessage() {
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");
        for (String forged :
                new String[] {"abc", "0", "-5", "1e3", "12abc", "9007199254740992", "99999999999999999999", "%20"}) {
            HttpResponse<String> edit = bob.patchForm("/messages/" + forged, Map.of("content", "forged"));
            assertThat(edit.statusCode()).as("PATCH %s", forged).isEqualTo(400);
            assertThat(edit.body()).contains("That is not a message id");
            HttpResponse<String> delete = bob.delete("/messages/" + forged);
            assertThat(delete.statusCode()).as("DELETE %s", forged).isEqualTo(400);
        }
        String unknown = "9007199254740991";
        HttpResponse<String> edit = bob.patchForm("/messages/" + unknown, Map.of("content", "forged"));
        assertThat(edit.statusCode()).isEqualTo(404);
        assertThat(edit.body()).contains("There is no message " + unknown);
        assertThat(bob.delete("/messages/" + unknown).statusCode()).isEqualTo(404);
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        bob.get("/");
        String original = "csrf " + UUID.randomUUID();
        long id = DirectusRest.createMessage(directus, TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), original);
        assertThat(bob.write("PATCH", "/messages/" + id, "content=forged", false)
                        .statusCode())
                .isEqualTo(403);
        assertThat(bob.write("DELETE", "/messages/" + id, null, false).statusCode())
                .isEqualTo(403);
        JsonNode stored = stored(id);
        assertThat(stored.path("content").asString()).isEqualTo(original);
    }

    /** The page renders one's own messages with Edit and Delete, and others' without. */
    @Test
    void thePageShowsEditAndDeleteOnOwnMessagesOnly() {
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        long bobs = DirectusRest.createMessage(directus, bobToken, "bob's " + UUID.randomUUID());
        long alices = DirectusRest.createMessage(
                directus, TestDirectus.loginToken(ALICE_EMAIL, ALICE_PASSWORD), "alice's " + UUID.randomUUID());
        String page = loggedIn(BOB_EMAIL, BOB_PASSWORD).get("/").body();
        assertThat(item(page, bobs))
                .contains(">Edit<")
                .contains(">Delete<")
                .contains("hx-delete=\"/messages/" + bobs + "\"");
        assertThat(item(page, alices)).doesNotContain(">Edit<").doesNotContain(">Delete<");
        // The model attributes behind this do not leak into redirects.
        HttpResponse<String> redirect = loggedIn(BOB_EMAIL, BOB_PASSWORD).get("/messages?before=5");
        assertThat(redirect.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("?"));
    }

    private static String item(String page, long id) {
        int start = page.indexOf("id=\"m-" + id + "\"");
        assertThat(start).isPositive();
        return page.substring(start, page.indexOf("</li>", start));
    }

    /**
     * A tab that was not listening while Bob deleted one message and edited another resumes by id: the replay ends
     * with the edit and the ids that exist in the range it shows, and the deleted one is not among them.
     */
    @Test
    void aResumingStreamLearnsOfTheDeletesAndEditsItMissed() {
        ChatClient alice = loggedIn(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = loggedIn(BOB_EMAIL, BOB_PASSWORD);
        long kept;
        long deleted;
        long edited;
        try (SseConnection bobStream = live(bob)) {
            kept = send(bob, bobStream, "kept " + UUID.randomUUID());
            deleted = send(bob, bobStream, "deleted while away " + UUID.randomUUID());
            edited = send(bob, bobStream, "edited while away " + UUID.randomUUID());
        }
        String position = since(alice); // Alice's page shows all three; her tab then goes offline
        assertThat(Long.parseLong(position)).isGreaterThanOrEqualTo(edited);

        assertThat(bob.delete("/messages/" + deleted).statusCode()).isEqualTo(200);
        String text = "changed while away " + UUID.randomUUID();
        assertThat(bob.patchForm("/messages/" + edited, Map.of("content", text)).statusCode())
                .isEqualTo(200);

        try (SseConnection resumed = alice.stream("since=0", position)) {
            SseEvent window = resumed.await(e -> "message-window".equals(e.name()), WAIT);
            JsonNode range =
                    tools.jackson.databind.json.JsonMapper.builder().build().readTree(window.data());
            assertThat(range.path("high").asLong()).isEqualTo(Long.parseLong(position));
            assertThat(range.path("low").asLong()).isLessThanOrEqualTo(kept);
            java.util.List<Long> ids = new java.util.ArrayList<>();
            range.path("ids").forEach(node -> ids.add(node.asLong()));
            assertThat(ids).contains(kept, edited).doesNotContain(deleted);
            SseEvent change = resumed.await(
                    e -> "message-change".equals(e.name()) && e.data().contains(text), WAIT);
            assertThat(change.data()).contains("id=\"m-" + edited + "\"").contains(">edited<");
            assertThat(resumed.events().indexOf(change))
                    .isLessThan(resumed.events().indexOf(window));
        }
    }

    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
