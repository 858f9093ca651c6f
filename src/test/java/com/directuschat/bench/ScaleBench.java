package com.directuschat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How delivery scales with the number of logged-in sessions N: directus-chat (N logins through our login form,
 * one SSE stream each, our app in its own JVM) against N clients subscribed to Directus directly (the seed
 * tutorial's query, and a lean {@code fields: ["id"]} query). One message at a time at a fixed pace; latency is
 * from the start of the send to its arrival on the last of the N readers. Sides alternate in blocks and only the
 * measured side's readers are connected. Run: {@code ./mvnw -Pbench verify -Dit.test=ScaleBench
 * -Dbench.scale.n=10,100,500,1000 -Dbench.scale.rounds=100}; writes target/bench-scale.md and docs/bench/scale.svg.
 */
class ScaleBench {

    private static final List<Integer> NS = Arrays.stream(
                    System.getProperty("bench.scale.n", "10,100,500,1000").split(","))
            .map(String::strip)
            .map(Integer::parseInt)
            .sorted()
            .toList();
    /** Rounds per N and side: one number for all N, or per N like the pace, e.g. {@code 100,1000:40}. */
    private static final String ROUNDS = System.getProperty("bench.scale.rounds", "100");

    private static final int BLOCKS = Integer.getInteger("bench.scale.blocks", 2);
    /** Optional fixed paces, e.g. {@code 10:100,1000:3000} (N:ms); otherwise calibrated per N. */
    private static final Map<Integer, Long> PACE_MS = paces(System.getProperty("bench.scale.pace-ms", ""));
    /** Calibrated pace: this many times the median latency of one-at-a-time warm-up sends to the N streams. */
    private static final double PACE_FACTOR = 3;

    private static final long MIN_PACE_MS = 100;
    private static final int WARMUP = Integer.getInteger("bench.scale.warmup", 5);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration IDLE_SOCKET_WAIT = Duration.ofSeconds(90);
    private static final int LOGIN_CONCURRENCY = 8;
    /** A failed login is an error, and is tried again so that the run still measures N sessions. */
    private static final int LOGIN_ATTEMPTS = 3;

    private static final int WS_CONNECTS_IN_FLIGHT = 32;
    private static final String PASSWORD = "scale-password";

    /** Every setting of our app that is not its default. */
    private static final List<String> APP_SETTINGS = List.of(
            "--directus.local.enabled=false",
            "--chat.rate-limit.login-per-ip=1000000",
            "--chat.rate-limit.login-per-email=1000",
            "--chat.rate-limit.sends=1000",
            "--chat.rate-limit.send-burst=1000");

    private final ExecutorService clientThreads = Executors.newFixedThreadPool(4, daemon("scale-client"));
    private final HttpClient appHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientThreads)
            .build();
    private final HttpClient wsHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientThreads)
            .build();
    private final ExecutorService logins = Executors.newFixedThreadPool(LOGIN_CONCURRENCY, daemon("scale-login"));
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Map<Integer, String> refreshTokens = new ConcurrentHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private DirectusInstance directus;
    private ProcessHandle directusProcess;
    private AppProcess app;
    private long heapBaselineKb;
    private int baselineDirectusConnections;

    static int rounds(int n) {
        int all = 100;
        for (String part : ROUNDS.split(",")) {
            String[] kv = part.strip().split(":");
            if (kv.length == 1) {
                all = Integer.parseInt(kv[0]);
            } else if (Integer.parseInt(kv[0]) == n) {
                return Integer.parseInt(kv[1]);
            }
        }
        return all;
    }

    @Test
    void deliveryScalesWithSessions() throws Exception {
        List<ScaleReport.Row> rows = new ArrayList<>();
        Map<Integer, Long> paces = new LinkedHashMap<>();
        try (DirectusInstance instance = TestDirectus.dedicated(Map.of())) {
            directus = instance;
            directusProcess = instance.directus().process().orElseThrow();
            createUsers(NS.get(NS.size() - 1));
            List<String> args = new ArrayList<>(APP_SETTINGS);
            args.add("--directus.url=" + instance.url());
            try (AppProcess started = new AppProcess(args)) {
                app = started;
                baseline();
                for (int n : NS) {
                    Map<String, Totals> totals = new LinkedHashMap<>();
                    ScaleReport.SIDES.forEach(side -> totals.put(side, new Totals()));
                    long pace = PACE_MS.getOrDefault(n, 0L);
                    for (int block = 0; block < BLOCKS; block++) {
                        int total = rounds(n);
                        int rounds = total / BLOCKS + (block < total % BLOCKS ? 1 : 0);
                        boolean idleCheck = n == NS.get(NS.size() - 1) && block == BLOCKS - 1;
                        pace = ours(n, block, rounds, pace, idleCheck, totals.get(ScaleReport.SIDES.get(0)));
                        direct(n, DirectReader.TUTORIAL_FIELDS, rounds, pace, totals.get(ScaleReport.SIDES.get(1)));
                        direct(n, DirectReader.LEAN_FIELDS, rounds, pace, totals.get(ScaleReport.SIDES.get(2)));
                    }
                    paces.put(n, pace);
                    for (Map.Entry<String, Totals> side : totals.entrySet()) {
                        rows.add(side.getValue().row(n, side.getKey(), pace));
                    }
                    System.out.println(ScaleReport.table(rows));
                }
                app.warnings().stream().limit(50).forEach(w -> notes.add("our log: " + w));
                notes.add("our log: " + app.warnings().size() + " WARN/ERROR/refused/unreachable lines in total ("
                        + app.log + ")");
            }
        } finally {
            logins.shutdownNow();
            clientThreads.shutdownNow();
        }
        String report = header(paces) + ScaleReport.table(rows) + "\n" + footer();
        System.out.println("\n" + report);
        Files.writeString(TestDirectus.TARGET.resolve("bench-scale.md"), report);
        ScaleReport.writeSvg(
                Path.of("docs", "bench", "scale.svg"),
                rows,
                String.format(
                        "%s, %d cores, rounds per N and side: %s, Directus 12.4.0 (SQLite); pace per N: %s",
                        Instant.now().toString().substring(0, 10),
                        Runtime.getRuntime().availableProcessors(),
                        ROUNDS,
                        paces));
        assertThat(errors).as("errors").isEmpty();
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.lost()).as("lost deliveries, N=%d %s", r.n(), r.side()).isZero();
            assertThat(r.duplicated())
                    .as("duplicated deliveries, N=%d %s", r.n(), r.side())
                    .isZero();
        });
    }

    /** Users scale0001..scaleNNNN in the chat users' role, created in batches over the admin REST API. */
    private void createUsers(int count) {
        long started = System.nanoTime();
        DirectusProvisioner provisioner = new DirectusProvisioner(TestDirectus.adminClient(directus.url()));
        String roleId = provisioner.provision().roleId();
        List<ChatUser> users = IntStream.rangeClosed(1, count)
                .mapToObj(i -> new ChatUser(email(i), PASSWORD, "Scale", String.format("%04d", i)))
                .toList();
        for (int from = 0; from < users.size(); from += 50) {
            provisioner.ensureUsers(users.subList(from, Math.min(from + 50, users.size())), roleId);
        }
        log("created %d users in %d ms", count, (System.nanoTime() - started) / 1_000_000);
    }

    /** Warms our app up with one session, then takes the heap and connection figures of no sessions. */
    private void baseline() throws Exception {
        List<AppSession> sessions = login(1);
        Receipts receipts = new Receipts();
        Map<String, Long> ids = new ConcurrentHashMap<>();
        AppSession.Stream stream = sessions.get(0).openStream(receipts, ids);
        stream.connected.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        warmUp(List.of(receipts), sendAs(sessions.get(0)), ids);
        stream.close();
        logout(sessions);
        baselineDirectusConnections = awaitDirectusConnectionsAtMost(Integer.MAX_VALUE);
        heapBaselineKb = ProcStats.heapAfterFullGcKb(app.pid());
        log(
                "baseline: heap after full GC %d KiB, %d connections to Directus, RSS %d MiB",
                heapBaselineKb, baselineDirectusConnections, ProcStats.status(app.pid(), "VmRSS") / 1024);
    }

    /** One block of directus-chat: N logins, N streams, measure, close, log out. Returns the pace used. */
    private long ours(int n, int block, int rounds, long pace, boolean idleCheck, Totals totals) throws Exception {
        log("N=%d block %d: directus-chat, logging in", n, block);
        List<AppSession> sessions = login(n);
        List<Receipts> receipts = new ArrayList<>();
        Map<String, Long> ids = new ConcurrentHashMap<>();
        List<AppSession.Stream> streams = new ArrayList<>();
        for (AppSession session : sessions) {
            Receipts r = new Receipts();
            receipts.add(r);
            streams.add(session.openStream(r, ids));
        }
        awaitAll("stream not connected", streams.stream().map(s -> s.connected).toList());
        streams.stream().filter(s -> s.status() != 200).forEach(s -> error("stream refused " + s.status()));
        if (block == 0) {
            totals.heapKbPerSession = (ProcStats.heapAfterFullGcKb(app.pid()) - heapBaselineKb) / (double) n;
        }
        double warmupMs = warmUp(receipts, sendAs(sessions.get(0)), ids);
        long usedPace = pace > 0 ? pace : calibratedPace(warmupMs);
        log("N=%d block %d: warm-up median %.1f ms, pace %d ms", n, block, warmupMs, usedPace);
        totals.add(paced(receipts, sendAs(sessions.get(0)), ids, usedPace, rounds), receipts);
        streams.stream().filter(AppSession.Stream::endedUnexpectedly).forEach(s -> error("stream ended by the server"));
        streams.forEach(AppSession.Stream::close);
        if (idleCheck) {
            idleSockets(n);
        }
        logout(sessions);
        awaitDirectusConnectionsAtMost(baselineDirectusConnections + 2);
        return usedPace;
    }

    private static long calibratedPace(double warmupMedianMs) {
        return Math.max(MIN_PACE_MS, (long) Math.ceil(PACE_FACTOR * warmupMedianMs / 10) * 10);
    }

    /** Streams closed, sessions still logged in: does our JVM keep its Directus sockets open? */
    private void idleSockets(int n) {
        long until = System.nanoTime() + IDLE_SOCKET_WAIT.toNanos();
        int count = ProcStats.establishedTo(app.pid(), directus.port());
        log(
                "N=%d: all streams closed, sessions logged in: %d connections to Directus; waiting %d s",
                n, count, IDLE_SOCKET_WAIT.toSeconds());
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(
                    Math.min(until - System.nanoTime(), Duration.ofSeconds(15).toNanos()));
            count = ProcStats.establishedTo(app.pid(), directus.port());
            log("  %d connections to Directus", count);
        }
        notes.add(String.format(
                "Idle logins: %d s after closing all %d streams (sessions still logged in), our JVM had %d"
                        + " established TCP connections to the Directus port (with no sessions: %d, pooled REST connections).",
                IDLE_SOCKET_WAIT.toSeconds(), n, count, baselineDirectusConnections));
    }

    /** One block of direct Directus readers with the given fields; the sender creates over REST as user 1. */
    private void direct(int n, List<String> fields, int rounds, long pace, Totals totals) throws Exception {
        log("N=%d: direct %s, connecting", n, fields);
        ensureRefreshTokens(n);
        List<Receipts> receipts = new ArrayList<>();
        List<DirectReader> readers = new ArrayList<>();
        Semaphore inFlight = new Semaphore(WS_CONNECTS_IN_FLIGHT);
        for (int i = 1; i <= n; i++) {
            Receipts r = new Receipts();
            DirectReader reader = new DirectReader(r, fields, refreshTokens.get(i));
            receipts.add(r);
            readers.add(reader);
            inFlight.acquire();
            reader.connect(wsHttp, directus.url());
            reader.subscribed.whenComplete((ok, e) -> inFlight.release());
        }
        awaitAll(
                "direct socket not subscribed",
                readers.stream().map(r -> r.subscribed).toList());
        for (int i = 1; i <= n; i++) {
            refreshTokens.put(i, readers.get(i - 1).refreshToken());
        }
        String senderToken = TestDirectus.loginToken(directus.url(), email(1), PASSWORD);
        Function<String, Long> send = content -> {
            try {
                return DirectusRest.createMessage(directus.url(), senderToken, content);
            } catch (RuntimeException e) {
                error("direct create failed: " + e.getMessage());
                return null;
            }
        };
        warmUp(receipts, send, Map.of());
        totals.add(paced(receipts, send, Map.of(), pace, rounds), receipts);
        readers.stream()
                .filter(DirectReader::endedUnexpectedly)
                .forEach(r -> error("direct socket closed by Directus"));
        readers.forEach(DirectReader::close);
    }

    private void ensureRefreshTokens(int n) throws Exception {
        List<Callable<Void>> missing = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int user = i;
            if (!refreshTokens.containsKey(user)) {
                missing.add(() -> {
                    refreshTokens.put(
                            user,
                            DirectusRest.call(
                                            directus.url(),
                                            "POST",
                                            "/auth/login",
                                            null,
                                            String.format(
                                                    "{\"email\":\"%s\",\"password\":\"%s\",\"mode\":\"json\"}",
                                                    email(user), PASSWORD))
                                    .path("data")
                                    .path("refresh_token")
                                    .asString());
                    return null;
                });
            }
        }
        for (Future<Void> f : logins.invokeAll(missing)) {
            f.get();
        }
    }

    /** Sends one message at a time; the id is learnt from the readers (our POST answers with the form, not the id). */
    private Function<String, Long> sendAs(AppSession sender) {
        return content -> {
            int status = sender.send(content);
            if (status >= 300) {
                error("send answered " + status);
            }
            return null;
        };
    }

    private record Sent(String content, long startNanos, Long id) {}

    private record Window(
            List<Long> latencies, long lost, double cpuOurs, double cpuDirectus, long rssKb, long threads) {}

    /** One-at-a-time sends, each awaited on all readers (not counted); their median latency in ms calibrates the pace. */
    private static double warmUp(List<Receipts> readers, Function<String, Long> send, Map<String, Long> ids) {
        List<Long> warmup = new ArrayList<>();
        for (int i = 0; i < WARMUP; i++) {
            Sent sent = send(send);
            long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            Long last;
            while ((last = lastArrival(readers, sent, ids)) == null && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            warmup.add(last == null ? DELIVERY_TIMEOUT.toNanos() : last - sent.startNanos());
        }
        return Stats.of("warm-up", warmup).percentile(50);
    }

    /** {@code rounds} sends at a fixed pace; waits until every reader has every message or the timeout passed. */
    private Window paced(
            List<Receipts> readers, Function<String, Long> send, Map<String, Long> ids, long paceMs, int rounds) {
        double cpuOurs = ProcStats.cpuSeconds(app.handle());
        double cpuDirectus = ProcStats.cpuSeconds(directusProcess);
        List<Sent> sent = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            long wait = t0 + i * paceMs * 1_000_000 - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sent.add(send(send));
        }
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        int complete = 0;
        while (complete < sent.size() && System.nanoTime() < deadline) {
            if (lastArrival(readers, sent.get(complete), ids) != null) {
                complete++;
            } else {
                LockSupport.parkNanos(2_000_000);
            }
        }
        cpuOurs = ProcStats.cpuSeconds(app.handle()) - cpuOurs;
        cpuDirectus = ProcStats.cpuSeconds(directusProcess) - cpuDirectus;
        List<Long> latencies = new ArrayList<>();
        long lost = 0;
        for (Sent s : sent) {
            Long id = s.id() != null ? s.id() : ids.get(s.content());
            long missing = id == null
                    ? readers.size()
                    : readers.stream().filter(r -> r.arrival(id) == null).count();
            lost += missing;
            if (missing == 0) {
                latencies.add(lastArrival(readers, s, ids) - s.startNanos());
            }
        }
        return new Window(
                latencies,
                lost,
                cpuOurs,
                cpuDirectus,
                ProcStats.status(app.pid(), "VmRSS"),
                ProcStats.status(app.pid(), "Threads"));
    }

    private static Sent send(Function<String, Long> send) {
        String content = "scale " + UUID.randomUUID();
        long start = System.nanoTime();
        Long id = send.apply(content);
        return new Sent(content, start, id);
    }

    /** Arrival of the message on the last reader, or null while a reader lacks it. */
    private static Long lastArrival(List<Receipts> readers, Sent sent, Map<String, Long> ids) {
        Long id = sent.id() != null ? sent.id() : ids.get(sent.content());
        if (id == null) {
            return null;
        }
        long last = 0;
        for (Receipts r : readers) {
            Long arrived = r.arrival(id);
            if (arrived == null) {
                return null;
            }
            last = Math.max(last, arrived);
        }
        return last;
    }

    /** Totals of one side at one N over its blocks. */
    private static final class Totals {
        final List<Long> latencies = new ArrayList<>();
        long lost;
        long duplicated;
        double cpuOurs;
        double cpuDirectus;
        Double heapKbPerSession;
        long rssKb;
        long threads;

        void add(Window w, List<Receipts> readers) {
            latencies.addAll(w.latencies());
            lost += w.lost();
            duplicated += readers.stream().mapToInt(Receipts::duplicates).sum();
            cpuOurs += w.cpuOurs();
            cpuDirectus += w.cpuDirectus();
            rssKb = Math.max(rssKb, w.rssKb());
            threads = Math.max(threads, w.threads());
        }

        ScaleReport.Row row(int n, String side, long pace) {
            return new ScaleReport.Row(
                    n,
                    side,
                    pace,
                    Stats.of(side, latencies),
                    lost,
                    duplicated,
                    cpuOurs,
                    cpuDirectus,
                    heapKbPerSession,
                    rssKb,
                    threads);
        }
    }

    private List<AppSession> login(int n) throws Exception {
        long started = System.nanoTime();
        List<Callable<AppSession>> tasks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int user = i;
            tasks.add(() -> {
                for (int attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
                    AppSession session = new AppSession(appHttp, app.url());
                    String failure = attempt(() -> session.login(email(user), PASSWORD));
                    if (failure == null) {
                        // Logged in: a failing page is reloaded in the same session, as a user would.
                        for (int reload = 1; reload <= LOGIN_ATTEMPTS; reload++) {
                            if ((failure = attempt(session::openPage)) == null) {
                                return session;
                            }
                            error("chat page after login failed: " + failure);
                        }
                        error("logged in, but no chat page after " + LOGIN_ATTEMPTS + " loads");
                        return null;
                    }
                    error("login attempt failed: " + failure);
                }
                error("no session after " + LOGIN_ATTEMPTS + " login attempts");
                return null;
            });
        }
        List<AppSession> sessions = new ArrayList<>();
        for (Future<AppSession> f : logins.invokeAll(tasks)) {
            if (f.get() != null) {
                sessions.add(f.get());
            }
        }
        log("  %d of %d logins in %d ms", sessions.size(), n, (System.nanoTime() - started) / 1_000_000);
        return sessions;
    }

    private static String attempt(java.util.function.Supplier<String> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private void logout(List<AppSession> sessions) throws Exception {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (AppSession session : sessions) {
            tasks.add(() -> {
                int status = session.logout();
                if (status != 302) {
                    error("logout answered " + status);
                }
                return null;
            });
        }
        for (Future<Void> f : logins.invokeAll(tasks)) {
            f.get();
        }
    }

    /** Waits until our JVM's connections to Directus are down to {@code max} (the sessions' sockets closed). */
    private int awaitDirectusConnectionsAtMost(int max) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int count;
        while ((count = ProcStats.establishedTo(app.pid(), directus.port())) > max && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000);
        }
        if (count > max) {
            error("Directus sockets still open after logout");
        }
        return count;
    }

    private void awaitAll(String failure, List<CompletableFuture<Void>> futures) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        for (CompletableFuture<Void> f : futures) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                error(failure + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
    }

    private void error(String what) {
        String key = what.length() > 200 ? what.substring(0, 200) : what;
        errors.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private String header(Map<Integer, Long> paces) {
        return String.format(
                "# ScaleBench%n%nRun at %s, Java %s, %d cores; Directus 12.4.0 (SQLite, dedicated test instance,"
                        + " default environment); our app as `%s`.%n%n"
                        + "N = %s; rounds per N and side: %s, in %d block(s) (sides alternate: directus-chat, direct tutorial query,"
                        + " direct lean query); %d one-at-a-time warm-up sends per block not counted; lost = (message, reader)"
                        + " pairs not received within %d s.%n%n"
                        + "Pace (one message every …): %s ms, %s.%n%n"
                        + "Non-default settings of our app: `%s`.%n%n",
                Instant.now(),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                app == null ? "?" : app.launchedAs,
                NS,
                ROUNDS,
                BLOCKS,
                WARMUP,
                DELIVERY_TIMEOUT.toSeconds(),
                paces,
                PACE_MS.isEmpty()
                        ? "calibrated: " + PACE_FACTOR + "× the median warm-up latency of directus-chat at that N,"
                                + " at least " + MIN_PACE_MS + " ms"
                        : "fixed by -Dbench.scale.pace-ms",
                String.join(" ", APP_SETTINGS));
    }

    private String footer() {
        StringBuilder out = new StringBuilder();
        out.append("Errors: ")
                .append(errors.isEmpty() ? "none" : errors.toString())
                .append("\n\n");
        notes.forEach(n -> out.append("- ").append(n).append('\n'));
        return out.toString();
    }

    private static String email(int i) {
        return String.format("scale%04d@example.com", i);
    }

    private static Map<Integer, Long> paces(String spec) {
        Map<Integer, Long> paces = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (!pair.isBlank()) {
                String[] nAndMs = pair.split(":");
                paces.put(Integer.parseInt(nAndMs[0].strip()), Long.parseLong(nAndMs[1].strip()));
            }
        }
        return paces;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void log(String format, Object... args) {
        System.out.printf(
                "[%s] ScaleBench: %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
    }
}
