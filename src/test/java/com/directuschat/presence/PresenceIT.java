package com.directuschat.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestService;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * {@link Presence} instances, as chat servers, sharing the real Redis (each through a {@link TcpProxy} of its own,
 * so that a test can take Redis away from one), with short intervals. Each test has a namespace of its own.
 */
@Requires(TestService.REDIS)
@ExtendWith(OutputCaptureExtension.class)
class PresenceIT {

    /** Heartbeat 500 ms, expiry 3 s, poll 1 s: a stopped instance's users go within 4 s. */
    static final PresenceProperties FAST =
            PresenceProperties.of(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ZERO);

    static final Duration WAIT = Duration.ofSeconds(20);
    static final long ROOM = 7;

    static ThreadPoolTaskScheduler scheduler;

    final String namespace = "presence-it-" + UUID.randomUUID();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startScheduler() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(4);
        scheduler.setThreadNamePrefix("presence-it-");
        scheduler.initialize();
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdown();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        LettuceConnectionFactory cleaner = connectionTo(6379);
        StringRedisTemplate redis = new StringRedisTemplate(cleaner);
        redis.delete(redis.keys(namespace + ":*"));
        cleaner.destroy();
    }

    /** One chat server: its own connection to Redis, through its own proxy. */
    record Server(Presence presence, TcpProxy redis, StringRedisTemplate template) {}

    private Server server(PresenceProperties timing) throws IOException {
        return server(timing, false);
    }

    /** @param redisAway whether Redis is away (for this server) from its start */
    private Server server(PresenceProperties timing, boolean redisAway) throws IOException {
        TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        closing.add(proxy);
        if (redisAway) {
            proxy.down();
        }
        LettuceConnectionFactory connections = connectionTo(proxy.port());
        closing.add(connections::destroy);
        StringRedisTemplate template = new StringRedisTemplate(connections);
        PresenceProperties properties = new PresenceProperties(
                timing.heartbeatInterval(),
                timing.expiry(),
                timing.pollInterval(),
                timing.leaveGrace(),
                timing.typingExpiry(),
                namespace);
        Presence presence = new Presence(
                new RedisPresenceShare(template, connections, namespace),
                properties,
                scheduler,
                scheduler,
                Clock.systemUTC());
        presence.start();
        closing.add(presence::close);
        return new Server(presence, proxy, template);
    }

    /** As Boot's factory with the app's settings: 2 s timeouts, commands refused at once while disconnected. */
    static LettuceConnectionFactory connectionTo(int port) {
        LettuceConnectionFactory redis = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofSeconds(2))
                        .clientOptions(ClientOptions.builder()
                                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                                .socketOptions(SocketOptions.builder()
                                        .connectTimeout(Duration.ofSeconds(2))
                                        .build())
                                .build())
                        .build());
        redis.afterPropertiesSet();
        redis.start();
        return redis;
    }

    @Test
    void aUserEnteringOnOneInstanceShowsOnTheOtherAtOnceNotAtItsNextPoll() throws Exception {
        PresenceProperties slowPoll = PresenceProperties.of(
                Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ZERO);
        Server a = server(slowPoll);
        Server b = server(slowPoll);
        b.presence().enter("bob", "Bob Example", ROOM);
        // B has read the room once (when Bob entered) and is subscribed: from now on only a signal tells it more.
        await().atMost(WAIT).until(() -> b.template().hasKey(namespace + ":room:" + ROOM));
        awaitSubscribed(b);

        a.presence().enter("alice", "Alice Example", ROOM);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> b.presence().online(ROOM), names -> names.equals(List.of("Alice Example", "Bob Example")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.presence().online(ROOM), names -> names.equals(List.of("Alice Example", "Bob Example")));
    }

    @Test
    void aUserWithTabsOnTwoInstancesCountsOnceAndGoesWhenTheLastTabLeaves() throws Exception {
        Server a = server(FAST);
        Server b = server(FAST);
        b.presence().enter("bob", "Bob Example", ROOM);
        a.presence().enter("dan", "Dan Example", ROOM);
        Presence.Handle first = a.presence().enter("alice", "Alice Example", ROOM);
        Presence.Handle second = a.presence().enter("alice", "Alice Example", ROOM);
        Presence.Handle onB = b.presence().enter("alice", "Alice Example", ROOM);
        List<String> everyone = List.of("Alice Example", "Bob Example", "Dan Example");
        await().atMost(WAIT).until(() -> a.presence().online(ROOM), everyone::equals);
        await().atMost(WAIT).until(() -> b.presence().online(ROOM), everyone::equals);
        await().atMost(WAIT).until(() -> members(a).size() == 4);

        first.leave();
        second.leave();
        await().atMost(WAIT).until(() -> members(a).size() == 3);
        // Longer than the expiry: B keeps its entry fresh, and A lists Alice from it all along.
        await().during(FAST.expiry().plusSeconds(1))
                .atMost(FAST.expiry().plusSeconds(10))
                .until(() -> a.presence().online(ROOM), everyone::equals);

        onB.leave();
        List<String> left = List.of("Bob Example", "Dan Example");
        await().atMost(WAIT).until(() -> a.presence().online(ROOM), left::equals);
        await().atMost(WAIT).until(() -> b.presence().online(ROOM), left::equals);
        assertThat(members(a)).hasSize(2).anySatisfy(m -> assertThat(m).endsWith("\nbob\nBob Example"));
    }

    @Test
    void anInstanceThatStopsWithoutLeavingLosesItsUsersAndItsTypistsAfterTheExpiry() throws Exception {
        Server a = server(FAST);
        Server b = server(FAST);
        b.presence().enter("bob", "Bob Example", ROOM);
        a.presence().enter("alice", "Alice Example", ROOM);
        await().atMost(WAIT).until(() -> b.presence().online(ROOM).contains("Alice Example"));
        awaitSubscribed(b);
        a.presence().typing("alice", "Alice Example", ROOM);
        await().atMost(WAIT).until(() -> !b.presence().typing(ROOM).isEmpty());

        Instant stopped = Instant.now();
        a.presence().close(); // as if it crashed: no leave, no more heartbeats

        await().atMost(WAIT).until(() -> b.presence().typing(ROOM).isEmpty());
        await().atMost(WAIT).until(() -> b.presence().online(ROOM), names -> names.equals(List.of("Bob Example")));
        // Not before its last heartbeat expired.
        assertThat(Duration.between(stopped, Instant.now()))
                .isGreaterThan(FAST.expiry().minus(FAST.heartbeatInterval()));
    }

    @Test
    void typingCrossesInstancesAndEndsAtOnceWhenTheMessageIsSent() throws Exception {
        Server a = server(FAST);
        Server b = server(FAST);
        b.presence().enter("bob", "Bob Example", ROOM);
        a.presence().enter("alice", "Alice Example", ROOM);
        awaitSubscribed(b);
        List<Long> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.presence().onTyping(heard::add);

        a.presence().typing("alice", "Alice Example", ROOM);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> b.presence().typing(ROOM),
                        t -> t.equals(List.of(new Presence.Typist("alice", "Alice Example"))));
        assertThat(heard).containsExactly(ROOM);

        a.presence().stoppedTyping("alice", ROOM);
        // Well before the typing expiry (4 s): the stop is a signal of its own.
        await().atMost(Duration.ofSeconds(2))
                .until(() -> b.presence().typing(ROOM).isEmpty());
    }

    @Test
    void withRedisGoneAnInstanceListsItsOwnUsersSaysSoOnceAndCatchesUpWhenItReturns(CapturedOutput output)
            throws Exception {
        Server a = server(FAST);
        Server b = server(FAST);
        a.presence().enter("alice", "Alice Example", ROOM);
        b.presence().enter("bob", "Bob Example", ROOM);
        await().atMost(WAIT).until(() -> b.presence().online(ROOM).size() == 2);
        awaitSubscribed(b);

        b.redis().down();
        await().atMost(WAIT).until(() -> b.presence().online(ROOM), names -> names.equals(List.of("Bob Example")));
        Presence.Handle carol = b.presence().enter("carol", "Carol Example", ROOM);
        assertThat(b.presence().online(ROOM)).containsExactly("Bob Example", "Carol Example");
        a.presence().typing("alice", "Alice Example", ROOM);
        b.presence().typing("carol", "Carol Example", ROOM);
        // Many heartbeats and polls fail meanwhile; the outage is one line. Typing stays on each instance.
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> b.presence().typing(ROOM).equals(List.of(new Presence.Typist("carol", "Carol Example")))
                        || b.presence().typing(ROOM).isEmpty());
        assertThat(a.presence().typing(ROOM)).extracting(Presence.Typist::name).doesNotContain("Carol Example");
        assertThat(count(output.getAll(), "Redis is unreachable")).isEqualTo(1);

        b.redis().restore();
        await().atMost(WAIT)
                .until(
                        () -> a.presence().online(ROOM),
                        names -> names.equals(List.of("Alice Example", "Bob Example", "Carol Example")));
        await().atMost(WAIT)
                .until(
                        () -> b.presence().online(ROOM),
                        names -> names.equals(List.of("Alice Example", "Bob Example", "Carol Example")));
        assertThat(count(output.getAll(), "Redis is reachable again")).isEqualTo(1);
        // The subscription is back too: typing crosses again.
        await().atMost(WAIT).until(() -> {
            a.presence().typing("alice", "Alice Example", ROOM);
            return b.presence().typing(ROOM).contains(new Presence.Typist("alice", "Alice Example"));
        });
        carol.leave();
        await().atMost(WAIT).until(() -> !a.presence().online(ROOM).contains("Carol Example"));
    }

    @Test
    void anInstanceStartingWhileRedisIsAwayWorksForItsOwnUsersAndJoinsInWhenItComes() throws Exception {
        Server a = server(FAST);
        a.presence().enter("alice", "Alice Example", ROOM);
        Server away = server(FAST, true);
        Presence b = away.presence();
        b.enter("bob", "Bob Example", ROOM);
        b.typing("bob", "Bob Example", ROOM);
        assertThat(b.online(ROOM)).containsExactly("Bob Example");
        assertThat(b.typing(ROOM)).hasSize(1);

        away.redis().restore();
        await().atMost(WAIT)
                .until(() -> b.online(ROOM), names -> names.equals(List.of("Alice Example", "Bob Example")));
        await().atMost(WAIT)
                .until(() -> a.presence().online(ROOM), names -> names.equals(List.of("Alice Example", "Bob Example")));
        await().atMost(WAIT).until(() -> {
            a.presence().typing("alice", "Alice Example", ROOM);
            return b.typing(ROOM).contains(new Presence.Typist("alice", "Alice Example"));
        });
    }

    /** The members of the room's sorted set, as A's connection reads them. */
    private List<String> members(Server server) {
        var found = server.template().opsForZSet().range(namespace + ":room:" + ROOM, 0, -1);
        return found == null ? List.of() : List.copyOf(found);
    }

    /** Until the server's subscription is in place: a signal sent to its channel reaches a subscriber. */
    private void awaitSubscribed(Server server) {
        await().atMost(WAIT).until(() -> {
            Long receivers = server.template().convertAndSend(namespace + ":signals", "hello");
            return receivers != null && receivers > 0;
        });
    }

    private static int count(String text, String phrase) {
        Matcher m = Pattern.compile(Pattern.quote(phrase)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
