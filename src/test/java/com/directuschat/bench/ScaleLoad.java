package com.directuschat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.TestDirectus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.springframework.http.HttpHeaders;

/**
 * The measuring machinery of the scale benchmarks ({@link ScaleBench}, {@link ScaleOutBench}): N users log in to
 * one of our app processes through its login form, each opens one SSE stream ({@link #OPEN_CONCURRENCY} opening at
 * a time; read by a client with no thread per stream); one sender posts at a fixed pace; latency runs from the
 * start of a send to its arrival on the last of the readers; CPU seconds of the processes that matter are taken
 * around the paced window. Failures are counted as errors, not thrown, so that a run still reports its figures
 * along with what went wrong.
 */
final class ScaleLoad implements AutoCloseable {

    static final String PASSWORD = "scale-password";
    /** Every setting of our app that is not its default: the bench's own logins and sends are not rate-limited. */
    static final List<String> APP_SETTINGS = List.of(
            "--directus.local.enabled=false",
            "--chat.rate-limit.login-per-ip=1000000",
            "--chat.rate-limit.login-per-email=1000",
            "--chat.rate-limit.sends=1000",
            "--chat.rate-limit.send-burst=1000",
            "--chat.metrics.username=" + ScaleLoad.METRICS_USER,
            "--chat.metrics.password=" + ScaleLoad.METRICS_USER);
    /** The metrics user of the bench's apps (password the same): the report reads their stream overflows. */
    static final String METRICS_USER = "bench";
    /** Calibrated pace: this many times the median latency of one-at-a-time warm-up sends to the N streams. */
    static final double PACE_FACTOR = 3;

    static final long MIN_PACE_MS = 100;
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(180);
    private static final int LOGIN_CONCURRENCY = 8;
    /**
     * Streams opening at a time ({@code -Dbench.open-concurrency}, default 32): users arrive, they do not all open
     * their tab in the same instant. Opening 1,000 at once measures a stampede (every tab reconnecting after a
     * restart), not the steady state this bench is about.
     */
    static final int OPEN_CONCURRENCY = Integer.getInteger("bench.open-concurrency", 32);
    /** A failed login is an error, and is tried again so that the run still measures N sessions. */
    private static final int LOGIN_ATTEMPTS = 3;
    /** Users per create request: Directus hashes them one after the other, within the client's timeout. */
    private static final int USER_BATCH = 50;
    /** CPU seconds per second of all the processes watched, below which they count as quiet. */
    static final double QUIET_CPU = 0.1;

    final ExecutorService clientThreads = Executors.newFixedThreadPool(4, daemon("scale-client"));
    final HttpClient appHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientThreads)
            .build();
    final HttpClient wsHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientThreads)
            .build();
    final ExecutorService logins = Executors.newFixedThreadPool(LOGIN_CONCURRENCY, daemon("scale-login"));
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final String name;
    private final int warmup;

    /** {@code name} prefixes the log lines; {@code warmup} one-at-a-time sends precede each paced window. */
    ScaleLoad(String name, int warmup) {
        this.name = name;
        this.warmup = warmup;
    }

    /** N logged-in sessions of one app, each with its stream open; the first one sends. */
    record Connected(
            List<AppSession> sessions,
            List<AppSession.Stream> streams,
            List<Receipts> receipts,
            Map<String, Long> ids) {
        AppSession sender() {
            return sessions.get(0);
        }
    }

    /** What one paced window measured; {@code cpu} in the order of the processes given, ours first. */
    /**
     * What one paced window measured; {@code cpu} in the order of the processes given, ours first. Threads of our
     * JVM: {@code threadsPeak} the most sampled (every 100 ms) during the window, {@code threadsEnd} at its end, and
     * {@code threadsByName} then (names with digits as #).
     */
    record Window(
            List<Long> latencies,
            long lost,
            List<Double> cpu,
            long rssKb,
            long threadsPeak,
            long threadsEnd,
            Map<String, Integer> threadsByName) {}

    private record Sent(String content, long startNanos, Long id) {}

    static long calibratedPace(double warmupMedianMs) {
        return Math.max(MIN_PACE_MS, (long) Math.ceil(PACE_FACTOR * warmupMedianMs / 10) * 10);
    }

    static String email(int i) {
        return String.format("scale%04d@example.com", i);
    }

    /** Users scale0001..scaleNNNN in the chat users' role, created in batches over the admin REST API. */
    void createUsers(String directusUrl, int count) throws Exception {
        createUsers(directusUrl, count, 1);
    }

    /**
     * The same, {@code parallel} batches at a time: Directus hashes each password (argon2, one core per request),
     * so on a database that takes concurrent writes (PostgreSQL, not SQLite) parallel batches use every core.
     */
    void createUsers(String directusUrl, int count, int parallel) throws Exception {
        long started = System.nanoTime();
        DirectusProvisioner provisioner = new DirectusProvisioner(TestDirectus.adminClient(directusUrl));
        String roleId = provisioner.provision().roleId();
        List<ChatUser> users = IntStream.rangeClosed(1, count)
                .mapToObj(i -> new ChatUser(email(i), PASSWORD, "Scale", String.format("%04d", i)))
                .toList();
        List<Callable<Void>> batches = new ArrayList<>();
        for (int from = 0; from < users.size(); from += USER_BATCH) {
            List<ChatUser> batch = users.subList(from, Math.min(from + USER_BATCH, users.size()));
            batches.add(() -> {
                provisioner.ensureUsers(batch, roleId);
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel, daemon("scale-users"));
        try {
            for (Future<Void> f : pool.invokeAll(batches)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        log(
                "created %d users in %d ms, in batches of %d, %d at a time",
                count, (System.nanoTime() - started) / 1_000_000, USER_BATCH, parallel);
    }

    /** Users 1..n log in to the app and open one stream each; waits until every stream says "Connected". */
    Connected connect(String appUrl, int n) throws Exception {
        return open(login(appUrl, 1, n), 0);
    }

    /**
     * One stream for each of these logged-in sessions, from message {@code newestId} on (0: from what the page
     * showed), {@link #OPEN_CONCURRENCY} opening at a time; waits until every stream says "Connected".
     */
    Connected open(List<AppSession> sessions, long newestId) {
        long started = System.nanoTime();
        List<Receipts> receipts = new ArrayList<>();
        Map<String, Long> ids = new ConcurrentHashMap<>();
        List<AppSession.Stream> streams = new ArrayList<>();
        Semaphore opening = new Semaphore(OPEN_CONCURRENCY);
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        for (AppSession session : sessions) {
            try {
                if (!opening.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    error("streams still opening after " + CONNECT_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Receipts r = new Receipts();
            receipts.add(r);
            session.skipTo(newestId);
            AppSession.Stream stream = session.openStream(r, ids);
            stream.connected.whenComplete((ok, failed) -> opening.release());
            streams.add(stream);
        }
        awaitAll("stream not connected", streams.stream().map(s -> s.connected).toList());
        streams.stream().filter(s -> s.status() != 200).forEach(s -> error("stream refused " + s.status()));
        log(
                "  %d streams connected in %d ms, %d opening at a time",
                streams.size(), (System.nanoTime() - started) / 1_000_000, OPEN_CONCURRENCY);
        return new Connected(sessions, streams, receipts, ids);
    }

    /** Closes the streams (the sessions stay logged in); a stream the server ended is an error. */
    void closeStreams(Connected connected) {
        connected.streams().stream()
                .filter(AppSession.Stream::endedUnexpectedly)
                .forEach(s -> error("stream ended by the server"));
        connected.streams().forEach(AppSession.Stream::close);
    }

    /**
     * Warms up with the app's first session, and returns how many connections the app then has to {@code port}
     * with no session logged in (its pooled REST connections): what {@link #logout} waits for.
     */
    int baseline(AppProcess app, int port) throws Exception {
        Connected one = connect(app.url(), 1);
        warmUp(one.receipts(), sendAs(one.sender()), one.ids());
        closeStreams(one);
        logout(one.sessions(), app, port, Integer.MAX_VALUE);
        return ProcStats.establishedTo(app.pid(), port);
    }

    /**
     * Warm-up sends, then {@code rounds} sends at {@code pace} ms, or at the pace calibrated from the warm-up when
     * {@code pace} is 0; adds the window to {@code totals} and returns the pace used.
     */
    long measure(
            String label,
            List<Receipts> readers,
            Function<String, Long> send,
            Map<String, Long> ids,
            long pace,
            int rounds,
            List<ProcessHandle> measured,
            Totals totals) {
        double warmupMs = warmUp(readers, send, ids);
        long used = pace > 0 ? pace : calibratedPace(warmupMs);
        log("%s: warm-up median %.1f ms, pace %d ms, %d rounds", label, warmupMs, used, rounds);
        Window window = paced(readers, send, ids, used, rounds, measured);
        totals.add(window, readers);
        log(
                "%s: our JVM's threads, peak %d, at the end %d: %s",
                label, window.threadsPeak(), window.threadsEnd(), window.threadsByName());
        return used;
    }

    /** Sends one message at a time through the app; the id is learnt from the streams. */
    Function<String, Long> sendAs(AppSession sender) {
        return content -> {
            int status = sender.send(content);
            if (status >= 300) {
                error("send answered " + status);
            }
            return null;
        };
    }

    /** One-at-a-time sends, each awaited on all readers (not counted); their median latency in ms. */
    double warmUp(List<Receipts> readers, Function<String, Long> send, Map<String, Long> ids) {
        List<Long> warmupNanos = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            Sent sent = send(send);
            long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            Long last;
            while ((last = lastArrival(readers, sent, ids)) == null && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            warmupNanos.add(last == null ? DELIVERY_TIMEOUT.toNanos() : last - sent.startNanos());
        }
        return Stats.of("warm-up", warmupNanos).percentile(50);
    }

    /**
     * {@code rounds} sends at a fixed pace; waits until every reader has every message or the timeout passed. CPU
     * of each of {@code measured} (ours first: its RSS and threads are taken too) over the window.
     */
    private Window paced(
            List<Receipts> readers,
            Function<String, Long> send,
            Map<String, Long> ids,
            long paceMs,
            int rounds,
            List<ProcessHandle> measured) {
        long ours = measured.get(0).pid();
        ProcStats.ThreadSampler threads = new ProcStats.ThreadSampler(ours, Duration.ofMillis(100));
        double[] cpu = measured.stream().mapToDouble(ProcStats::cpuSeconds).toArray();
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
        List<Double> used = IntStream.range(0, cpu.length)
                .mapToObj(i -> ProcStats.cpuSeconds(measured.get(i)) - cpu[i])
                .toList();
        long threadsEnd = threads.now();
        threads.close();
        Map<String, Integer> threadsByName = ProcStats.threadsByName(ours);
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
                latencies, lost, used, ProcStats.status(ours, "VmRSS"), threads.peak(), threadsEnd, threadsByName);
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
    static final class Totals {
        final List<Long> latencies = new ArrayList<>();
        long lost;
        long duplicated;
        List<Double> cpu = List.of();
        Double heapKbPerSession;
        long rssKb;
        long threadsPeak;
        long threadsEnd;
        Map<String, Integer> threadsByName = Map.of();

        void add(Window w, List<Receipts> readers) {
            latencies.addAll(w.latencies());
            lost += w.lost();
            duplicated += readers.stream().mapToInt(Receipts::duplicates).sum();
            List<Double> before = cpu;
            cpu = IntStream.range(0, w.cpu().size())
                    .mapToObj(i -> w.cpu().get(i) + (i < before.size() ? before.get(i) : 0))
                    .toList();
            rssKb = Math.max(rssKb, w.rssKb());
            threadsPeak = Math.max(threadsPeak, w.threadsPeak());
            if (w.threadsEnd() >= threadsEnd) {
                threadsEnd = w.threadsEnd();
                threadsByName = w.threadsByName();
            }
        }

        ScaleReport.Row row(int n, String side, long pace) {
            return new ScaleReport.Row(
                    n,
                    side,
                    pace,
                    Stats.of(side, latencies),
                    lost,
                    duplicated,
                    cpu.isEmpty() ? 0 : cpu.get(0),
                    cpu.isEmpty() ? List.of() : cpu.subList(1, cpu.size()),
                    heapKbPerSession,
                    rssKb,
                    threadsPeak,
                    threadsEnd);
        }
    }

    /**
     * Users {@code first..last} log in through the form and load the chat page, {@value #LOGIN_CONCURRENCY} at a
     * time; the sessions in that order (a login that failed every attempt is left out, and counted as an error).
     */
    List<AppSession> login(String appUrl, int first, int last) throws Exception {
        long started = System.nanoTime();
        List<Callable<AppSession>> tasks = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            int user = i;
            tasks.add(() -> {
                for (int attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
                    AppSession session = new AppSession(appHttp, appUrl);
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
        log("  %d of %d logins in %d ms", sessions.size(), tasks.size(), (System.nanoTime() - started) / 1_000_000);
        return sessions;
    }

    private static String attempt(Supplier<String> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /**
     * The sum of the app's Prometheus samples of {@code series} (e.g. {@code chat_stream_overflows_total}), or -1
     * when the app does not answer.
     */
    double metric(AppProcess app, String series) {
        String auth = HttpHeaders.encodeBasicAuth(METRICS_USER, METRICS_USER, StandardCharsets.UTF_8);
        try {
            HttpResponse<Stream<String>> response = appHttp.send(
                    HttpRequest.newBuilder(URI.create(app.url() + "/actuator/prometheus"))
                            .header("Authorization", "Basic " + auth)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                return -1;
            }
            return response.body()
                    .filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Logs the sessions out, then waits until the app has at most {@code max} connections to {@code port}. */
    void logout(List<AppSession> sessions, AppProcess app, int port, int max) throws Exception {
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
        if (awaitConnectionsAtMost(app, port, max) > max) {
            error("Directus sockets still open after logout");
        }
    }

    /**
     * One {@link DirectReader} with {@code fields} per receipt, reader i as user i with {@code refreshTokens.get(i)}
     * ({@code inFlight} connecting at a time); waits until all are subscribed and puts the rotated refresh tokens
     * back.
     */
    List<DirectReader> connectDirect(
            String directusUrl,
            List<String> fields,
            Map<Integer, String> refreshTokens,
            List<Receipts> receipts,
            int inFlight)
            throws InterruptedException {
        List<DirectReader> readers = new ArrayList<>();
        Semaphore connecting = new Semaphore(inFlight);
        for (int i = 1; i <= receipts.size(); i++) {
            DirectReader reader = new DirectReader(receipts.get(i - 1), fields, refreshTokens.get(i));
            readers.add(reader);
            connecting.acquire();
            reader.connect(wsHttp, directusUrl);
            reader.subscribed.whenComplete((ok, e) -> connecting.release());
        }
        awaitAll(
                "direct socket not subscribed",
                readers.stream().map(r -> r.subscribed).toList());
        for (int i = 1; i <= readers.size(); i++) {
            refreshTokens.put(i, readers.get(i - 1).refreshToken());
        }
        return readers;
    }

    /** A refresh token of user {@code user} from a JSON-mode login on Directus. */
    static String refreshToken(String directusUrl, int user) {
        return com.directuschat.testsupport.DirectusRest.call(
                        directusUrl,
                        "POST",
                        "/auth/login",
                        null,
                        String.format(
                                "{\"email\":\"%s\",\"password\":\"%s\",\"mode\":\"json\"}", email(user), PASSWORD))
                .path("data")
                .path("refresh_token")
                .asString();
    }

    /** Waits (up to 60 s) until the app has at least {@code min} connections to {@code port}; returns the count. */
    int awaitConnectionsAtLeast(AppProcess app, int port, int min) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int count;
        while ((count = ProcStats.establishedTo(app.pid(), port)) < min && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000);
        }
        return count;
    }

    /** Waits (up to 60 s) until the app has at most {@code max} connections to {@code port}; returns the count. */
    int awaitConnectionsAtMost(AppProcess app, int port, int max) {
        return awaitConnectionsAtMost(app, port, max, Duration.ofSeconds(60));
    }

    /** The same, up to {@code timeout}. */
    int awaitConnectionsAtMost(AppProcess app, int port, int max, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int count;
        while ((count = ProcStats.establishedTo(app.pid(), port)) > max && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000);
        }
        return count;
    }

    /**
     * Waits (up to {@code timeout}) until the processes together use less than {@value #QUIET_CPU} CPU seconds in
     * a second: what a block left behind (writes after its streams closed) is done. Returns the last second's CPU.
     */
    double awaitQuiet(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double used;
        do {
            double before =
                    processes.stream().mapToDouble(ProcStats::cpuSeconds).sum();
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            used = processes.stream().mapToDouble(ProcStats::cpuSeconds).sum() - before;
        } while (used >= QUIET_CPU && System.nanoTime() < deadline);
        return used;
    }

    void awaitAll(String failure, List<CompletableFuture<Void>> futures) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        for (CompletableFuture<Void> f : futures) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                error(failure + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
    }

    void error(String what) {
        String key = what.length() > 200 ? what.substring(0, 200) : what;
        errors.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    Map<String, AtomicInteger> errors() {
        return errors;
    }

    /** The run's verdict: no error counted, nothing lost, nothing delivered twice. */
    void assertNoErrorsLossesOrDuplicates(List<ScaleReport.Row> rows) {
        assertThat(errors).as("errors").isEmpty();
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.lost()).as("lost deliveries, N=%d %s", r.n(), r.side()).isZero();
            assertThat(r.duplicated())
                    .as("duplicated deliveries, N=%d %s", r.n(), r.side())
                    .isZero();
        });
    }

    /** "Errors: none" or the counted errors, and a list of notes, for the end of a report. */
    String footer(List<String> notes) {
        StringBuilder out = new StringBuilder();
        out.append("Errors: ")
                .append(errors.isEmpty() ? "none" : errors.toString())
                .append("\n\n");
        notes.forEach(n -> out.append("- ").append(n).append('\n'));
        return out.toString();
    }

    /** The app's WARN/ERROR lines (the first 50) and their count, as notes. */
    static void addWarnings(AppProcess app, String which, List<String> notes) {
        app.warnings().stream().limit(50).forEach(w -> notes.add(which + " log: " + w));
        notes.add(which + " log: " + app.warnings().size() + " WARN/ERROR/refused/unreachable lines in total ("
                + app.log + ")");
    }

    void log(String format, Object... args) {
        System.out.printf(
                "[%s] %s: %s%n", Instant.now().toString().substring(11, 19), name, String.format(format, args));
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        logins.shutdownNow();
        clientThreads.shutdownNow();
    }
}
