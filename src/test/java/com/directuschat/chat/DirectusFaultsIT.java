package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Real faults on the server-to-Directus leg: Directus SIGKILLed and restarted, a network that silently drops
 * everything. The app talks to Directus through a TCP proxy and pings it every second (two missed pongs: dead);
 * Directus's own heartbeat keeps its default period, so it plays no part.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"directus.ping-interval=1s", "directus.request-timeout=3s", "directus.reconnect-max-delay=2s"})
class DirectusFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    static DirectusInstance directus;

    /**
     * Lives as long as the cached Spring context that talks to it (a rerun of a failed test needs both); the
     * launcher stops Directus when the test JVM exits.
     */
    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicatedFor(registry, Map.of(), true);
    }

    @LocalServerPort
    int port;

    @Autowired
    ConnectTimes realtime;

    /**
     * The app's meter registry, which also notes when each realtime connect attempt was counted: the spread of
     * reconnects over time is what the jitter is for.
     */
    static final class ConnectTimes extends SimpleMeterRegistry {

        private final List<Instant> attempts = new CopyOnWriteArrayList<>();

        @Override
        protected Counter newCounter(Meter.Id id) {
            Counter counter = super.newCounter(id);
            if (!"directus.realtime.connects".equals(id.getName())) {
                return counter;
            }
            return new Counter() {
                @Override
                public void increment(double amount) {
                    attempts.add(Instant.now());
                    counter.increment(amount);
                }

                @Override
                public double count() {
                    return counter.count();
                }

                @Override
                public Meter.Id getId() {
                    return counter.getId();
                }
            };
        }

        double attempts() {
            return get("directus.realtime.connects").counter().count();
        }

        List<Instant> attemptTimes() {
            return List.copyOf(attempts);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Meters {

        @Bean
        ConnectTimes connectTimes() {
            return new ConnectTimes();
        }
    }

    private final List<SseConnection> open = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        open.forEach(SseConnection::close);
        directus.proxy().restore();
        if (!directus.directus().isHealthy()) {
            directus.start();
        }
    }

    private ChatClient login(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        assertThat(client.login(email, password)
                        .headers()
                        .firstValue("Location")
                        .orElse(""))
                .endsWith("/");
        return client;
    }

    private SseConnection liveStream(ChatClient client) {
        Matcher since = Pattern.compile("since=(\\d+)").matcher(client.get("/").body());
        assertThat(since.find()).isTrue();
        SseConnection stream = client.stream("since=" + since.group(1), null);
        open.add(stream);
        awaitStatus(stream, "Connected", 0);
        return stream;
    }

    private static void awaitStatus(SseConnection stream, String text, int after) {
        await().atMost(WAIT).until(() -> {
            List<SseEvent> events = stream.events();
            return events.subList(Math.min(after, events.size()), events.size()).stream()
                    .anyMatch(e -> "status".equals(e.name()) && e.data().contains(text));
        });
    }

    private static List<Long> ids(SseConnection stream) {
        return stream.messages().stream().map(e -> Long.parseLong(e.id())).toList();
    }

    private static void assertOnceInOrder(SseConnection stream, List<Long> expected) {
        await().atMost(WAIT).until(() -> ids(stream).containsAll(expected));
        List<Long> ids = ids(stream);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids.stream().filter(expected::contains).toList()).isEqualTo(expected);
    }

    @Test
    void killedAndRestartedDirectusLosesNothingAndNeedsNoNewLogin() {
        ChatClient alice = login(ALICE_EMAIL, ALICE_PASSWORD);
        ChatClient bob = login(BOB_EMAIL, BOB_PASSWORD);
        SseConnection aliceStream = liveStream(alice);
        SseConnection bobStream = liveStream(bob);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        assertThat(alice.sendMessage("before " + tag).statusCode()).isEqualTo(204);
        bobStream.await(e -> e.data().contains("before " + tag), WAIT);
        int aliceEvents = aliceStream.events().size();

        directus.kill();
        awaitStatus(aliceStream, "Reconnecting", aliceEvents);

        // While Directus is down, a send is refused visibly; the composer (and the text in it) is left alone.
        HttpResponse<String> refused = alice.sendMessage("during outage " + tag);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("Directus is unreachable").doesNotContain("<textarea");

        // Hold our reconnects back at the proxy while someone else writes directly to Directus.
        directus.proxy().blackhole();
        directus.start();
        String carolToken = TestDirectus.loginToken(directus.url(), TestUsers.userEmail(3), TestUsers.USER_PASSWORD);
        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(DirectusRest.createMessage(directus.url(), carolToken, "while away " + tag + " " + i));
        }
        int beforeRestore = aliceStream.events().size();
        directus.proxy().cut();
        directus.proxy().restore();

        awaitStatus(aliceStream, "Connected", beforeRestore);
        assertOnceInOrder(aliceStream, missed);
        assertOnceInOrder(bobStream, missed);

        assertThat(alice.sendMessage("after " + tag).statusCode()).isEqualTo(204);
        SseEvent after = bobStream.await(e -> e.data().contains("after " + tag), WAIT);
        aliceStream.await(e -> e.data().contains("after " + tag), WAIT);
        List<Long> all = new ArrayList<>(missed);
        all.add(Long.parseLong(after.id()));
        assertOnceInOrder(aliceStream, all);
        assertOnceInOrder(bobStream, all);
        assertThat(aliceStream.messages()).noneMatch(e -> e.data().contains("during outage"));
    }

    @Test
    void aBlackHoledSocketIsDetectedByMissedPongsAndNothingIsLost() {
        ChatClient alice = login(ALICE_EMAIL, ALICE_PASSWORD);
        SseConnection stream = liveStream(alice);
        String bobToken = TestDirectus.loginToken(directus.url(), BOB_EMAIL, BOB_PASSWORD);
        double attempts = realtime.attempts();

        directus.proxy().blackhole();
        long missed = DirectusRest.createMessage(directus.url(), bobToken, "into the void");
        // No close frame ever arrives; two missed pongs take 1.8 s at a 1 s interval (RealtimeSessionTest proves the
        // bound), the rest is slack for a loaded machine.
        await().atMost(Duration.ofSeconds(10)).until(() -> realtime.attempts() > attempts);
        directus.proxy().restore();

        stream.await(e -> String.valueOf(missed).equals(e.id()), WAIT);
        long later = DirectusRest.createMessage(directus.url(), bobToken, "after the void");
        stream.await(e -> String.valueOf(later).equals(e.id()), WAIT);
        assertOnceInOrder(stream, List.of(missed, later));
    }

    @Test
    void aBlackHoleShowsReconnectingAndWhatWasWrittenMeanwhileArrivesOnceAfterRestore() {
        ChatClient alice = login(ALICE_EMAIL, ALICE_PASSWORD);
        SseConnection stream = liveStream(alice);
        String bobToken = TestDirectus.loginToken(directus.url(), BOB_EMAIL, BOB_PASSWORD);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int seen = stream.events().size();

        directus.proxy().blackhole();
        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            missed.add(DirectusRest.createMessage(directus.url(), bobToken, "in the dark " + tag + " " + i));
        }
        awaitStatus(stream, "Reconnecting", seen);
        int beforeRestore = stream.events().size();
        directus.proxy().restore();

        awaitStatus(stream, "Connected", beforeRestore);
        assertOnceInOrder(stream, missed);
        long later = DirectusRest.createMessage(directus.url(), bobToken, "back in the light " + tag);
        stream.await(e -> String.valueOf(later).equals(e.id()), WAIT);
        List<Long> all = new ArrayList<>(missed);
        all.add(later);
        assertOnceInOrder(stream, all);
        assertThat(stream.messages().stream()
                        .filter(e -> e.data().contains(tag))
                        .count())
                .isEqualTo(all.size());
    }

    @Test
    void twentySessionsDoNotAllReconnectAtTheSameInstant() {
        List<SseConnection> streams = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            streams.add(liveStream(login(TestUsers.userEmail(n), TestUsers.USER_PASSWORD)));
        }
        List<Integer> seen = streams.stream().map(s -> s.events().size()).toList();
        Instant killedAt = Instant.now();
        directus.kill();
        directus.start();
        // Every session comes back on its own: its tab hears "Connected" again.
        try {
            for (int i = 0; i < streams.size(); i++) {
                awaitStatus(streams.get(i), "Connected", seen.get(i));
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (int i = 0; i < streams.size(); i++) {
                List<SseEvent> events = streams.get(i).events();
                System.out.printf(
                        "stream %d: ended=%s, after kill: %s%n",
                        i,
                        streams.get(i).ended(),
                        events.subList(Math.min(seen.get(i), events.size()), events.size()).stream()
                                .map(ev -> ev.name() + ":" + ev.data().replaceAll("\\s+", " "))
                                .toList());
            }
            for (java.lang.management.ThreadInfo info :
                    java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                if (info.getThreadName().startsWith("realtime")
                        || info.getThreadName().startsWith("chat-session")
                        || info.getThreadName().startsWith("HttpClient")) {
                    System.out.print(info);
                }
            }
            throw e;
        }

        // All twenty sockets closed at the same instant, so their first attempts are the first twenty after the kill
        // (a second attempt comes a failed connect and a whole delay later). Full jitter draws each first delay from
        // [0, 500 ms]: twenty draws all inside 250 ms has a chance of 20 * 2^-19 (4 in 100,000). Without jitter they
        // would all come 500 ms after the close, within the few ms it takes to notice it.
        List<Instant> reconnects = realtime.attemptTimes().stream()
                .filter(t -> t.isAfter(killedAt))
                .sorted()
                .toList();
        assertThat(reconnects).hasSizeGreaterThanOrEqualTo(20);
        Duration firstSpread = Duration.between(reconnects.get(0), reconnects.get(19));
        assertThat(firstSpread)
                .as("spread of the first 20 reconnect attempts %s", reconnects.subList(0, 20))
                .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
}
