package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;

import tools.jackson.databind.json.JsonMapper;

/** DirectusClient against the real Directus: reads by id, and POSTs after Node dropped the idle connection. */
class DirectusClientIT {

    private final DirectusClient client = new DirectusClient(new DirectusProperties(
            URI.create(TestDirectus.shared().url()), Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30)), JsonMapper.builder().build());

    private AccessTokenSource login() {
        String token = client.login(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD).accessToken();
        return new AccessTokenSource() {
            @Override
            public String accessToken() {
                return token;
            }

            @Override
            public String refreshAfterRejection(String rejected) {
                throw new DirectusException(401, "TOKEN_EXPIRED", "not refreshed in this test");
            }

            @Override
            public Instant renewAt() {
                return Instant.MAX;
            }
        };
    }

    @Test
    void readsMessagesByIdAndLeavesOutThoseThatDoNotExist() {
        AccessTokenSource alice = login();
        ChatMessage first = client.createMessage(alice, "read me by id " + System.nanoTime());
        ChatMessage second = client.createMessage(alice, "read me too " + System.nanoTime());
        List<ChatMessage> read = client.messagesByIds(alice, List.of(second.id(), Long.MAX_VALUE / 2, first.id()));
        assertThat(read).containsExactly(first, second);
        assertThat(read.get(0).authorFirstName()).isEqualTo("Alice");
        assertThat(client.messagesByIds(alice, List.of())).isEmpty();
    }

    @Test
    void aPostAfterNodeClosedTheIdleConnectionSucceeds() {
        AccessTokenSource alice = login();
        Instant idleSince = Instant.now();
        // Idling past Node's 5 s keep-alive timeout is the point here; nothing else is waited for.
        await().pollDelay(Duration.ofMillis(5500)).atMost(Duration.ofSeconds(10))
                .until(() -> Duration.between(idleSince, Instant.now()).toMillis() >= 5500);
        ChatMessage created = client.createMessage(alice, "after idling " + System.nanoTime());
        assertThat(created.id()).isPositive();
        await().pollDelay(Duration.ofMillis(5500)).atMost(Duration.ofSeconds(10))
                .until(() -> Duration.between(idleSince, Instant.now()).toMillis() >= 11000);
        assertThat(client.login(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD).accessToken()).isNotBlank();
    }
}
