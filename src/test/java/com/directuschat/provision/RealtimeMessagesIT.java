package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import com.directuschat.testsupport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RealtimeMessagesIT {

    @Test
    void messageCreatedOverWebSocketReachesASubscriber() {
        String url = TestDirectus.shared().url();
        try (WsClient bob = new WsClient(url);
                WsClient alice = new WsClient(url)) {
            authenticateBoth(bob, alice);
            subscribe(
                    bob,
                    Map.of(
                            "type",
                            "subscribe",
                            "collection",
                            "messages",
                            "query",
                            Map.of("fields", List.of("*")),
                            "uid",
                            "s1"));

            String content = "hi " + System.nanoTime();
            alice.send(Map.of(
                    "type",
                    "items",
                    "collection",
                    "messages",
                    "action",
                    "create",
                    "data",
                    Map.of("content", content),
                    "uid",
                    "c1"));

            await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent(bob, "create"));
            JsonNode created = bob.ofType("subscription").stream()
                    .filter(m -> "create".equals(m.path("event").asString()))
                    .findFirst()
                    .orElseThrow()
                    .path("data")
                    .path(0);
            assertThat(created.path("content").asString()).isEqualTo(content);
            assertThat(created.path("user_created").asString()).isNotBlank();
            assertThat(created.path("date_created").asString()).isNotBlank();
        }
    }

    /** What the chat subscribes to: ids only, which Directus serves without joining the author. */
    @Test
    void anIdsOnlySubscriptionGetsCreateEventsCarryingTheId() {
        String url = TestDirectus.shared().url();
        try (WsClient bob = new WsClient(url);
                WsClient alice = new WsClient(url)) {
            authenticateBoth(bob, alice);
            subscribe(
                    bob,
                    Map.of(
                            "type",
                            "subscribe",
                            "collection",
                            "messages",
                            "event",
                            "create",
                            "query",
                            Map.of("fields", List.of("id")),
                            "uid",
                            "ids"));

            alice.send(Map.of(
                    "type",
                    "items",
                    "collection",
                    "messages",
                    "action",
                    "create",
                    "data",
                    Map.of("content", "ids only " + System.nanoTime()),
                    "query",
                    Map.of("fields", List.of("id")),
                    "uid",
                    "c2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent(bob, "create"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !alice.ofType("items").isEmpty());
            JsonNode createdByAlice = alice.ofType("items").stream()
                    .filter(m -> "c2".equals(m.path("uid").asString()))
                    .findFirst()
                    .orElseThrow()
                    .path("data");
            JsonNode event = bob.ofType("subscription").stream()
                    .filter(m -> "create".equals(m.path("event").asString()))
                    .findFirst()
                    .orElseThrow();
            assertThat(event.path("uid").asString()).isEqualTo("ids");
            assertThat(event.path("data")).hasSize(1);
            JsonNode item = event.path("data").path(0);
            assertThat(item.path("id").isNumber() || item.path("id").isString()).isTrue();
            assertThat(item.path("id").asString())
                    .isEqualTo(createdByAlice.path("id").asString());
            assertThat(item.has("content")).isFalse();
        }
    }

    private static void authenticateBoth(WsClient bob, WsClient alice) {
        authenticate(bob, TestDirectus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD));
        authenticate(alice, TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD));
    }

    private static void subscribe(WsClient client, Map<String, Object> subscription) {
        client.send(subscription);
        await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent(client, "init"));
    }

    private static void authenticate(WsClient client, String token) {
        client.send(Map.of("type", "auth", "access_token", token));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.ofType("auth").stream()
                        .anyMatch(m -> "ok".equals(m.path("status").asString())));
    }

    private static boolean hasEvent(WsClient client, String event) {
        return client.ofType("subscription").stream()
                .anyMatch(m -> event.equals(m.path("event").asString()));
    }
}
