package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import com.directuschat.testsupport.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trust from outside: Bob logs in to Directus itself (not the chat) and, over plain HTTP, GraphQL and the realtime
 * socket, tries to change what is Alice's. The shared test Directus runs the Core licence, so what refuses him is
 * the guard flow ({@link GuardFlow}); each probe must get a 403 and leave the data as it was. Bob's own rows stay
 * his to change, so a flow that refused everything would fail here too.
 */
class DirectusTrustIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long NEAR_2_53 = 9_007_199_254_740_000L;

    private String url;
    private String alice;
    private String bob;
    private String aliceId;
    private String bobId;
    private DirectusAdminClient admin;

    @BeforeEach
    void logIn() {
        url = TestDirectus.shared().url();
        admin = TestDirectus.adminClient(url);
        alice = TestDirectus.loginToken(url, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        bob = TestDirectus.loginToken(url, TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
        aliceId = DirectusRest.call(url, "GET", "/users/me?fields=id", alice, null)
                .path("data")
                .path("id")
                .asString();
        bobId = DirectusRest.call(url, "GET", "/users/me?fields=id", bob, null)
                .path("data")
                .path("id")
                .asString();
    }

    @Test
    void theLicenceHereRefusesPermissionRulesSoTheFlowIsWhatEnforces() {
        assertThat(PermissionRules.of(admin)).isEqualTo(PermissionRules.REFUSED);
        assertThat(admin.rows("/flows", "status", Map.of("name", Map.of("_eq", GuardFlow.NAME))))
                .extracting(flow -> flow.path("status").asString())
                .containsExactly("active");
    }

    @Test
    void bobCannotRewriteOrDeleteAlicesMessage() {
        long message = DirectusRest.createMessage(url, alice, "alice's own words " + System.nanoTime());
        String before = messageRow(message);

        assertRefused("PATCH", "/items/messages/" + message, bob, "{\"content\":\"pwned\"}");
        assertRefused("DELETE", "/items/messages/" + message, bob, null);
        assertRefused("PATCH", "/items/messages", bob, "[{\"id\":" + message + ",\"content\":\"pwned\"}]");
        long own = DirectusRest.createMessage(url, bob, "bob's " + System.nanoTime());
        assertRefused(
                "PATCH",
                "/items/messages",
                bob,
                "{\"keys\":[" + own + "," + message + "],\"data\":{\"content\":\"pwned\"}}");
        assertRefused(
                "PATCH",
                "/items/messages",
                bob,
                "{\"query\":{\"filter\":{\"id\":{\"_eq\":" + message + "}}},\"data\":{\"content\":\"pwned\"}}");
        assertRefused("DELETE", "/items/messages", bob, "[" + own + "," + message + "]");
        assertRefused(
                "POST", "/graphql", bob, graphQl("mutation { delete_messages_item(id: " + message + ") { id } }"));

        assertThat(messageRow(message)).isEqualTo(before);
        assertThat(messageRow(own)).contains("bob's");
    }

    @Test
    void bobCannotMakeHisMessageAlicesNorMoveNorRedateIt() {
        long own = DirectusRest.createMessage(url, bob, "bob's " + System.nanoTime());
        String before = messageRow(own);

        assertRefused("PATCH", "/items/messages/" + own, bob, "{\"user_created\":\"" + aliceId + "\"}");
        assertRefused("PATCH", "/items/messages/" + own, bob, "{\"date_created\":\"2020-01-01T00:00:00Z\"}");
        assertRefused("PATCH", "/items/messages/" + own, bob, "{\"room\":null}");
        assertRefused("PATCH", "/items/messages/" + own, bob, "{\"id\":" + (own + 1000) + "}");

        assertThat(messageRow(own)).isEqualTo(before);
    }

    /**
     * A message's id and edit time are refused outright (field validation, for everyone); its author and creation
     * time are replaced by Directus's own, whatever is sent.
     */
    @Test
    void bobCannotPickAMessageIdNorAuthorNorDates() {
        String marker = "picked id " + System.nanoTime();

        assertRefused("POST", "/items/messages", bob, "{\"id\":" + NEAR_2_53 + ",\"content\":\"" + marker + "\"}");
        // In a batch, the one bad item refuses the whole batch.
        assertRefused(
                "POST",
                "/items/messages",
                bob,
                "[{\"content\":\"" + marker + "\"},{\"id\":" + (NEAR_2_53 + 1) + ",\"content\":\"" + marker + "\"}]");
        assertRefused(
                "POST",
                "/items/messages",
                bob,
                "{\"content\":\"" + marker + "\",\"date_updated\":\"2020-01-01T00:00:00Z\"}");
        assertThat(admin.rows("/items/messages", "id", Map.of("content", Map.of("_eq", marker))))
                .isEmpty();
        assertThat(admin.rows("/items/messages", "id", Map.of("id", Map.of("_gte", NEAR_2_53))))
                .isEmpty();

        JsonNode forged = DirectusRest.call(
                        url,
                        "POST",
                        "/items/messages",
                        bob,
                        "{\"content\":\"" + marker + "\",\"user_created\":\"" + aliceId
                                + "\",\"date_created\":\"2020-01-01T00:00:00Z\"}")
                .path("data");
        JsonNode stored = admin.get("/items/messages/" + forged.path("id").asLong());
        assertThat(stored.path("user_created").asString()).isEqualTo(bobId);
        assertThat(stored.path("date_created").asString()).doesNotStartWith("2020");
    }

    @Test
    void bobCanStillWriteHisOwnMessages() {
        long own = DirectusRest.createMessage(url, bob, "bob's " + System.nanoTime());

        DirectusRest.call(url, "PATCH", "/items/messages/" + own, bob, "{\"content\":\"bob edited\"}");
        assertThat(messageRow(own)).contains("bob edited");
        DirectusRest.call(url, "DELETE", "/items/messages/" + own, bob, null);
        assertThat(admin.rows("/items/messages", "id", Map.of("id", Map.of("_eq", own))))
                .isEmpty();
    }

    @Test
    void bobCannotWriteAlicesReadPositions() {
        long room = admin.rows("/items/rooms", "id", Map.of("slug", Map.of("_eq", "general")))
                .get(0)
                .path("id")
                .asLong();
        String aliceKey = aliceId + ":" + room;
        String bobKey = bobId + ":" + room;
        upsert(
                alice,
                "read_positions",
                aliceKey,
                "{\"id\":\"" + aliceKey + "\",\"user\":\"" + aliceId + "\",\"room\":" + room + ",\"last_read\":42}",
                "{\"last_read\":42}");
        String before = row("read_positions", aliceKey);

        assertRefused("PATCH", "/items/read_positions/" + aliceKey, bob, "{\"last_read\":1}");
        assertRefused("DELETE", "/items/read_positions/" + aliceKey, bob, null);
        String squat = aliceId + ":999999";
        assertRefused(
                "POST",
                "/items/read_positions",
                bob,
                "{\"id\":\"" + squat + "\",\"user\":\"" + aliceId + "\",\"room\":999999,\"last_read\":1}");
        assertRefused(
                "POST",
                "/items/read_positions",
                bob,
                "{\"id\":\"" + squat + "\",\"user\":\"" + bobId + "\",\"room\":999999,\"last_read\":1}");
        assertThat(row("read_positions", aliceKey)).isEqualTo(before);
        assertThat(admin.find("/items/read_positions/" + squat)).isEmpty();

        // His own, keyed as the chat keys them, still work, and so does moving it.
        upsert(
                bob,
                "read_positions",
                bobKey,
                "{\"id\":\"" + bobKey + "\",\"user\":\"" + bobId + "\",\"room\":" + room + ",\"last_read\":7}",
                "{\"last_read\":7}");
        DirectusRest.call(url, "PATCH", "/items/read_positions/" + bobKey, bob, "{\"last_read\":8}");
        assertThat(row("read_positions", bobKey)).contains("\"last_read\":8");
        assertRefused("PATCH", "/items/read_positions/" + bobKey, bob, "{\"user\":\"" + aliceId + "\"}");
    }

    /** Presence is the chat servers' (in memory or Redis): Directus has no collection of it for anyone to write. */
    @Test
    void thereIsNoPresenceCollectionToWrite() {
        assertThat(admin.find("/collections/" + DirectusProvisioner.PRESENCE)).isEmpty();
        assertRefused("POST", "/items/presence", bob, "{\"id\":\"" + aliceId + ":1:x\",\"room\":1}");
        assertThat(admin.rows("/permissions", "id", Map.of("collection", Map.of("_eq", DirectusProvisioner.PRESENCE))))
                .isEmpty();
    }

    @Test
    void bobCannotChangeAlicesMessageOverTheRealtimeSocket() throws Exception {
        long message = DirectusRest.createMessage(url, alice, "alice over ws " + System.nanoTime());
        String before = messageRow(message);
        try (WsClient ws = new WsClient(url)) {
            ws.send(Map.of("type", "auth", "access_token", bob));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ws.ofType("auth").isEmpty());
            ws.send(Map.of(
                    "type", "items",
                    "collection", "messages",
                    "action", "update",
                    "id", message,
                    "data", Map.of("content", "pwned"),
                    "uid", "u1"));
            ws.send(Map.of("type", "items", "collection", "messages", "action", "delete", "id", message, "uid", "d1"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ws.ofType("items").size() >= 2);
            assertThat(ws.ofType("items"))
                    .allSatisfy(
                            reply -> assertThat(reply.path("status").asString()).isEqualTo("error"));
        }
        assertThat(messageRow(message)).isEqualTo(before);
    }

    private void upsert(String token, String collection, String key, String create, String update) {
        if (admin.find("/items/" + collection + "/" + key).isPresent()) {
            DirectusRest.call(url, "PATCH", "/items/" + collection + "/" + key, token, update);
        } else {
            DirectusRest.call(url, "POST", "/items/" + collection, token, create);
        }
    }

    private void assertRefused(String method, String path, String token, String json) {
        if (path.equals("/graphql")) {
            // GraphQL answers 200 with the refusal among its errors.
            JsonNode answer = DirectusRest.call(url, method, path, token, json);
            assertThat(answer.path("errors").toString()).as("%s", json).contains("FORBIDDEN");
            return;
        }
        // 403 from the guard flow, 400 from field validation (a message's id or edit time).
        assertThat(DirectusRest.status(url, method, path, token, json))
                .as("%s %s %s", method, path, json)
                .isIn(400, 403);
    }

    private static String graphQl(String query) {
        return JSON.writeValueAsString(Map.of("query", query));
    }

    private String messageRow(long id) {
        return row("messages", Long.toString(id));
    }

    private String row(String collection, String key) {
        return admin.get("/items/" + collection + "/" + key).toString();
    }
}
