package com.directuschat.bench;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusPresence;
import com.directuschat.directus.DirectusRest;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * What presence costs Directus: the CPU of the Directus process (user + system, from /proc, children included) per
 * request the presence code sends, each as a chat user, one request in flight, against a Directus of its own that
 * does nothing else. Heartbeats (PATCH of one's own row), the poll (GET of the live rows of a room, names joined) with
 * 20, 100 and 1,000 live rows, and what an enter and a leave add (delete of stale rows, POST, DELETE). From these and
 * the default intervals: Directus's cost per online user and per chat server instance.
 * Run: {@code ./mvnw -Pbench verify -Dit.test=PresenceBench [-Dbench.presence.rounds=1000]}.
 */
class PresenceBench {

    private static final int ROUNDS = Integer.getInteger("bench.presence.rounds", 1000);
    private static final int WARMUP = 200;
    private static final int USERS = TestUsers.NUMBERED_USERS;
    /** The defaults of chat.presence.*. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private static final Duration EXPIRY = Duration.ofSeconds(60);
    /** The polls' window: long enough that no row of the bench expires while it runs (the query is the same). */
    private static final Duration WINDOW = Duration.ofHours(1);

    private static final Duration POLL = Duration.ofSeconds(10);

    private record Result(String what, int requests, double cpuMsPerRequest, double p50Ms, double p95Ms) {}

    @Test
    void directusCostOfPresence() throws Exception {
        StringBuilder out = new StringBuilder();
        // No "Under pressure" 503s on a busy machine: we measure CPU per request, not how Directus sheds load.
        try (DirectusInstance instance = TestDirectus.dedicated(Map.of("PRESSURE_LIMITER_ENABLED", "false"))) {
            ProcessHandle process = instance.directus().process().orElseThrow();
            DirectusClient client = DirectusClient.of(URI.create(instance.url()), Duration.ofSeconds(30));
            DirectusPresence presenceRows =
                    new DirectusPresence(DirectusRest.create(instance.url(), Duration.ofSeconds(30)));
            List<Login> users = new ArrayList<>();
            for (int n = 1; n <= USERS; n++) {
                users.add(Login.of(client, TestUsers.userEmail(n), TestUsers.USER_PASSWORD));
            }
            long room = client.roomId(users.get(0), DirectusProvisioner.DEFAULT_ROOM);
            // One row per user on "instance" bench; more rows for the polls are made on further "instances".
            for (Login user : users) {
                presenceRows.createPresence(user, user.row(room, "bench"), room);
            }
            List<Result> results = new ArrayList<>();

            measure(
                    process,
                    "warm-up",
                    WARMUP,
                    i -> presenceRows.touchPresence(
                            users.get(i % USERS), users.get(i % USERS).row(room, "bench")));
            results.add(measure(
                    process,
                    "heartbeat: `PATCH /items/presence/<key>` (own row)",
                    ROUNDS,
                    i -> presenceRows.touchPresence(
                            users.get(i % USERS), users.get(i % USERS).row(room, "bench"))));

            results.add(measure(
                    process,
                    "for comparison: `GET /users/me` (the cheapest authenticated read)",
                    ROUNDS / 4,
                    i -> client.currentUser(users.get(i % USERS))));
            // For comparison: the same heartbeat over each user's authenticated realtime socket (not what we do).
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build();
            List<SendPathBench.Ws> sockets = new ArrayList<>();
            try {
                for (Login user : users) {
                    sockets.add(SendPathBench.Ws.authenticated(http, instance.url(), user.accessToken()));
                }
                IntConsumer wsBeat = i -> {
                    Login user = users.get(i % USERS);
                    Map<String, Object> frame = new java.util.LinkedHashMap<>();
                    frame.put("type", "items");
                    frame.put("action", "update");
                    frame.put("collection", "presence");
                    frame.put("id", user.row(room, "bench"));
                    frame.put("data", Map.of());
                    frame.put("query", Map.of("fields", List.of("id")));
                    frame.put("uid", java.util.UUID.randomUUID().toString());
                    try {
                        tools.jackson.databind.JsonNode reply =
                                sockets.get(i % USERS).call(frame);
                        if ("error".equals(reply.path("status").asString())
                                || !reply.path("data").has("id")) {
                            throw new IllegalStateException("WS update failed: " + reply);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                measure(process, "warm-up", WARMUP / 4, wsBeat);
                results.add(measure(
                        process,
                        "for comparison: the heartbeat as an `items` update on the user's realtime socket",
                        ROUNDS / 2,
                        wsBeat));
            } finally {
                sockets.forEach(SendPathBench.Ws::close);
            }

            int created = USERS;
            for (int rows : List.of(USERS, 100, 1000)) {
                // More live rows in the room: the same users on further "instances".
                while (created < rows) {
                    Login user = users.get(created % USERS);
                    presenceRows.createPresence(user, user.row(room, "i" + created / USERS), room);
                    created++;
                }
                measure(
                        process,
                        "warm-up",
                        WARMUP / 4,
                        i -> presenceRows.presence(users.get(0), List.of(room), WINDOW));
                int answer = presenceRows
                        .presence(users.get(0), List.of(room), WINDOW)
                        .size();
                if (answer != rows) {
                    throw new IllegalStateException("expected " + rows + " live rows, read " + answer);
                }
                results.add(measure(
                        process,
                        "poll: `GET /items/presence` of a room, names joined, " + answer + " live rows",
                        Math.max(100, ROUNDS / 4),
                        i -> presenceRows.presence(users.get(i % USERS), List.of(room), WINDOW)));
            }

            int enters = Math.max(100, ROUNDS / 4);
            results.add(measure(
                    process,
                    "enter: `DELETE /items/presence` (own stale rows, by query)",
                    enters,
                    i -> presenceRows.deleteStalePresence(users.get(i % USERS), EXPIRY)));
            results.add(measure(
                    process,
                    "enter: `POST /items/presence`",
                    enters,
                    i -> presenceRows.createPresence(
                            users.get(i % USERS), users.get(i % USERS).row(room, "e" + i), room)));
            results.add(measure(
                    process,
                    "leave: `DELETE /items/presence/<key>`",
                    enters,
                    i -> presenceRows.deletePresence(
                            users.get(i % USERS), users.get(i % USERS).row(room, "e" + i))));

            double heartbeatMs = results.get(0).cpuMsPerRequest();
            double poll100 = results.get(4).cpuMsPerRequest();
            double poll1000 = results.get(5).cpuMsPerRequest();
            double perMinute = 60.0 / HEARTBEAT.toSeconds();
            double pollsPerMinute = 60.0 / POLL.toSeconds();

            out.append(String.format("## Presence: what it costs Directus (%s)%n%n", Instant.now()));
            out.append(BenchRun.header("PresenceBench", List.of("Directus: PRESSURE_LIMITER_ENABLED=false")));
            out.append(String.format(
                    "Directus %s on Node 22, SQLite, its own instance (nothing else running on it); Java %s, %d cores. "
                            + "CPU of the Directus process tree from /proc (user + system) around each series; one request in flight, "
                            + "each as one of %d chat users; %d heartbeats after %d warm-up.%n%n",
                    "12.4.0",
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    USERS,
                    ROUNDS,
                    WARMUP));
            out.append("| request | n | Directus CPU per request | latency p50 | p95 |\n|---|---|---|---|---|\n");
            for (Result r : results) {
                out.append(String.format(
                        "| %s | %d | %.2f ms | %.1f ms | %.1f ms |%n",
                        r.what(), r.requests(), r.cpuMsPerRequest(), r.p50Ms(), r.p95Ms()));
            }
            out.append(String.format(
                    "%nAt the defaults (heartbeat %d s, poll %d s): an online user costs Directus %.0f "
                            + "requests/min, **%.1f ms of CPU per minute** (%.3f %% of a core); 1,000 online users %.0f %% of a core. "
                            + "Each chat server instance with someone online adds %.0f polls/min: %.1f ms of CPU per minute with 100 "
                            + "people online in the room, %.1f ms with 1,000. An enter costs two requests and a leave one, "
                            + "once per visit (a reload or a reconnect within the leave grace costs nothing).%n%n",
                    HEARTBEAT.toSeconds(),
                    POLL.toSeconds(),
                    perMinute,
                    perMinute * heartbeatMs,
                    perMinute * heartbeatMs / 600.0,
                    1000 * perMinute * heartbeatMs / 600.0,
                    pollsPerMinute,
                    pollsPerMinute * poll100,
                    pollsPerMinute * poll1000));
        }
        System.out.println("\n" + out);
        Files.createDirectories(TestDirectus.TARGET);
        Files.writeString(
                TestDirectus.TARGET.resolve("bench-presence.md"),
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static Result measure(ProcessHandle directus, String what, int n, IntConsumer request) {
        List<Long> latencies = new ArrayList<>(n);
        double cpuBefore = ProcStats.cpuSeconds(directus);
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            request.accept(i);
            latencies.add(System.nanoTime() - start);
        }
        double cpu = ProcStats.cpuSeconds(directus) - cpuBefore;
        Stats stats = Stats.of(what, latencies);
        return new Result(what, n, cpu * 1000 / n, stats.percentile(50), stats.percentile(95));
    }

    private record Login(AuthTokens tokens, String userId) implements AccessTokenSource {

        static Login of(DirectusClient client, String email, String password) {
            AuthTokens tokens = client.login(email, password);
            return new Login(tokens, client.currentUser(new Login(tokens, null)).id());
        }

        String row(long room, String instance) {
            return userId + ":" + room + ":" + instance;
        }

        @Override
        public String accessToken() {
            return tokens.accessToken();
        }

        @Override
        public String refreshAfterRejection(String rejected) {
            throw new IllegalStateException("token refused");
        }

        @Override
        public Instant renewAt() {
            return tokens.expiresAt();
        }
    }
}
