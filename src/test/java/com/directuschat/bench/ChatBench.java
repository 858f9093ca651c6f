package com.directuschat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.DirectusChatApplication;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Message delivery through directus-chat versus the baseline, a client talking to Directus directly
 * (REST create, WebSocket subscription), against the same real Directus in the same run.
 * Run: {@code ./mvnw -Pbench verify}. Prints a table and writes target/benchmarks.md.
 */
class ChatBench {

    private static final int WARMUP = 20;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 200);
    private static final int FANOUT = 20;
    private static final int FANOUT_ROUNDS = Integer.getInteger("bench.fanout-rounds", 50);
    private static final int BURST = Integer.getInteger("bench.burst", 200);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StringBuilder report = new StringBuilder();

    @Test
    void deliveryLatencyAndThroughput() throws Exception {
        String directus = TestDirectus.shared().url();
        int port = TestDirectus.freePort();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DirectusChatApplication.class)
                .run(
                        "--server.port=" + port,
                        "--directus.url=" + directus,
                        "--directus.local.enabled=false",
                        "--logging.level.root=WARN")) {
            String appUrl = "http://127.0.0.1:" + port;
            String aliceToken = TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
            String bobToken = TestDirectus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
            ChatClient alice = client(appUrl, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
            ChatClient bob = client(appUrl, TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);

            try (DirectWsSubscriber direct = new DirectWsSubscriber(http, directus, bobToken);
                    SseConnection stream = openStream(bob)) {
                Map<String, Long> sseArrivals = arrivals(stream);
                Stats baseline = latency(
                        "baseline: REST create → Directus WS",
                        ROUNDS,
                        text -> DirectusRest.createMessage(directus, aliceToken, text),
                        direct::arrival);
                Stats chat = latency("directus-chat: htmx POST → SSE", ROUNDS, alice::sendMessage, sseArrivals::get);
                row("send → receive, 1 reader", baseline, chat);

                Stats baselineBurst = burst(
                        "baseline burst",
                        text -> DirectusRest.createMessage(directus, aliceToken, text),
                        direct::arrival);
                Stats chatBurst = burst("chat burst", alice::sendMessage, sseArrivals::get);
                report.append(String.format(
                        "| %d messages, 4 senders, until the reader has all | %.0f ms | %.0f ms | %.2f× |%n",
                        BURST,
                        baselineBurst.millis().get(0),
                        chatBurst.millis().get(0),
                        chatBurst.millis().get(0) / baselineBurst.millis().get(0)));
            }

            List<DirectWsSubscriber> directReaders = new ArrayList<>();
            List<SseConnection> streams = new ArrayList<>();
            List<Map<String, Long>> streamArrivals = new ArrayList<>();
            try {
                for (int n = 1; n <= FANOUT; n++) {
                    String email = TestUsers.userEmail(n);
                    directReaders.add(new DirectWsSubscriber(
                            http, directus, TestDirectus.loginToken(email, TestUsers.USER_PASSWORD)));
                    SseConnection s = openStream(client(appUrl, email, TestUsers.USER_PASSWORD));
                    streams.add(s);
                    streamArrivals.add(arrivals(s));
                }
                Stats baseline = latency(
                        "baseline fan-out",
                        FANOUT_ROUNDS,
                        text -> DirectusRest.createMessage(directus, aliceToken, text),
                        text -> last(
                                directReaders.stream().map(r -> r.arrival(text)).toList()));
                Stats chat = latency(
                        "chat fan-out",
                        FANOUT_ROUNDS,
                        alice::sendMessage,
                        text -> last(
                                streamArrivals.stream().map(a -> a.get(text)).toList()));
                row("send → last of " + FANOUT + " readers", baseline, chat);
            } finally {
                directReaders.forEach(DirectWsSubscriber::close);
                streams.forEach(SseConnection::close);
            }
        }
        String table =
                "| measure | baseline (direct to Directus) | directus-chat | ratio |\n|---|---|---|---|\n" + report;
        String header = String.format(
                "Run at %s, Java %s, %d cores, rounds %d (+%d warm-up), fan-out rounds %d%n%n",
                Instant.now(),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ROUNDS,
                WARMUP,
                FANOUT_ROUNDS);
        header = BenchRun.header(
                        "ChatBench",
                        List.of(
                                "in-process app: --directus.local.enabled=false --logging.level.root=WARN",
                                "Directus: the tests' shared instance"))
                + header;
        System.out.println("\n" + header + table);
        Files.writeString(Path.of("target", "benchmarks.md"), header + table);
    }

    private static ChatClient client(String appUrl, String email, String password) {
        ChatClient client = new ChatClient(appUrl);
        client.login(email, password);
        client.get("/"); // the CSRF token changes at login
        return client;
    }

    private static SseConnection openStream(ChatClient client) {
        Matcher since = Pattern.compile("since=(\\d+)").matcher(client.get("/").body());
        since.find();
        SseConnection stream = client.stream("since=" + since.group(1), null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), TIMEOUT);
        return stream;
    }

    private static final Pattern CONTENT = Pattern.compile("<p class=\"content\">([^<]*)</p>");

    private static Map<String, Long> arrivals(SseConnection stream) {
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        stream.onEvent(event -> {
            Matcher content = CONTENT.matcher(event.data());
            if (event.isMessage() && content.find()) {
                arrivals.put(content.group(1), event.receivedNanos());
            }
        });
        return arrivals;
    }

    private static Long last(List<Long> arrivals) {
        return arrivals.contains(null)
                ? null
                : arrivals.stream().max(Long::compare).orElse(null);
    }

    private Stats latency(
            String name, int rounds, java.util.function.Consumer<String> send, Function<String, Long> arrival) {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < WARMUP + rounds; i++) {
            String text = "bench " + UUID.randomUUID();
            long start = System.nanoTime();
            send.accept(text);
            long arrived = awaitArrival(arrival, text);
            if (i >= WARMUP) {
                samples.add(arrived - start);
            }
        }
        assertThat(samples)
                .as("%s: each message arrived once, after its send", name)
                .hasSize(rounds)
                .allMatch(nanos -> nanos > 0);
        return Stats.of(name, samples);
    }

    private Stats burst(String name, java.util.function.Consumer<String> send, Function<String, Long> arrival)
            throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            texts.add("burst " + UUID.randomUUID());
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (String text : texts) {
                sent.add(senders.submit(() -> send.accept(text)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }
        long lastArrival = 0;
        for (String text : texts) {
            lastArrival = Math.max(lastArrival, awaitArrival(arrival, text));
        }
        assertThat(lastArrival)
                .as("%s: the last of %d messages arrived after the burst began", name, BURST)
                .isGreaterThan(start);
        return Stats.of(name, List.of(lastArrival - start));
    }

    private static long awaitArrival(Function<String, Long> arrival, String text) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Long arrived;
        while ((arrived = arrival.apply(text)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not delivered: " + text);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        return arrived;
    }

    private void row(String measure, Stats baseline, Stats chat) {
        for (double p : new double[] {50, 95, 99}) {
            report.append(String.format(
                    "| %s, p%.0f | %.1f ms | %.1f ms | %.2f× |%n",
                    measure,
                    p,
                    baseline.percentile(p),
                    chat.percentile(p),
                    chat.percentile(p) / baseline.percentile(p)));
        }
    }
}
