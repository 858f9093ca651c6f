package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.directuschat.directus.ChatMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Two instances' relays on the real Redis: what one publishes the other receives, whole (no read needed), and not
 * itself; a Redis that cannot be reached fails no send.
 */
class RedisFanOutRelayIT {

    private final String channel = "test-changes-" + UUID.randomUUID();
    private LettuceConnectionFactory connections;
    private final List<RedisMessageListenerContainer> containers = new CopyOnWriteArrayList<>();
    /** Many threads, as in production: the listener's order must not depend on there being one. */
    private final ExecutorService workers = Executors.newCachedThreadPool();

    @BeforeEach
    void connect() {
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
    }

    @AfterEach
    void disconnect() {
        containers.forEach(RedisMessageListenerContainer::stop);
        connections.destroy();
        workers.shutdownNow();
    }

    private RedisFanOutRelay instance(Received received) {
        RedisFanOutRelay relay = new RedisFanOutRelay(new StringRedisTemplate(connections), channel, Runnable::run);
        relay.onRemote(received);
        RedisMessageListenerContainer container = FanOutConfiguration.listener(connections, relay, workers);
        container.afterPropertiesSet();
        container.start();
        containers.add(container);
        return relay;
    }

    @Test
    void whatOneInstancePublishesTheOtherGetsWholeAndNotItself() {
        Received onA = new Received();
        Received onB = new Received();
        RedisFanOutRelay a = instance(onA);
        instance(onB);
        await().atMost(Duration.ofSeconds(10)).until(() -> containers.stream().allMatch(c -> c.isListening()));

        ChatMessage message = new ChatMessage(
                41, "héllo <b>", Instant.parse("2026-12-07T10:00:00Z"), "user-1", "Alice", "Example", 3L, null);
        a.created(message);
        ChatMessage edited = new ChatMessage(
                41,
                "edited",
                message.createdAt(),
                "user-1",
                "Alice",
                "Example",
                3L,
                Instant.parse("2026-12-07T10:01:00Z"));
        a.updated(edited);
        a.deleted(List.of(41L));

        await().atMost(Duration.ofSeconds(10)).until(() -> onB.events.size() == 3);
        assertThat(onB.events).containsExactly("created " + message, "updated " + edited, "deleted [41]");
        assertThat(onA.events).as("an instance drops its own").isEmpty();
    }

    @Test
    void theOtherGetsChangesInTheOrderTheyWerePublished() {
        Received onB = new Received();
        RedisFanOutRelay a = instance(new Received());
        instance(onB);
        await().atMost(Duration.ofSeconds(10)).until(() -> containers.stream().allMatch(c -> c.isListening()));

        List<String> published = new java.util.ArrayList<>();
        for (long id = 1; id <= 100; id++) {
            a.deleted(List.of(id));
            published.add("deleted [" + id + "]");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> onB.events.size() == published.size());
        assertThat(onB.events).containsExactlyElementsOf(published);
    }

    @Test
    void aRedisThatCannotBeReachedFailsNoSend() {
        LettuceConnectionFactory dead = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
        dead.afterPropertiesSet();
        dead.start();
        try {
            RedisFanOutRelay relay = new RedisFanOutRelay(new StringRedisTemplate(dead), channel, Runnable::run);
            assertThatCode(() -> relay.created(new ChatMessage(1, "x", Instant.now(), "Alice", "Example")))
                    .doesNotThrowAnyException();
        } finally {
            dead.destroy();
        }
    }

    private static final class Received implements FanOutRelay.Receiver {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void created(ChatMessage message) {
            events.add("created " + message);
        }

        @Override
        public void updated(ChatMessage message) {
            events.add("updated " + message);
        }

        @Override
        public void deleted(List<Long> ids) {
            events.add("deleted " + ids);
        }
    }
}
