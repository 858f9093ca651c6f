package com.directuschat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.TestDirectus;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Heap of one idle session (logged in, one SSE stream open, its Directus socket open, no traffic): the live heap
 * and class histogram ({@code jcmd GC.class_histogram}, after a full GC) of our app with no sessions and with N,
 * and their difference per session by class. Run: {@code ./mvnw -Pbench verify -Dit.test=HeapBench
 * -Dbench.heap.n=200}; writes target/bench-heap.md.
 */
class HeapBench {

    private static final int N = Integer.getInteger("bench.heap.n", 200);
    private static final int TOP = 40;
    private static final String PASSWORD = "heap-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final ExecutorService clientThreads = Executors.newFixedThreadPool(4, r -> daemon(r, "heap-client"));
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientThreads)
            .build();
    private final ExecutorService logins = Executors.newFixedThreadPool(8, r -> daemon(r, "heap-login"));

    @Test
    void heapPerIdleSession() throws Exception {
        try (DirectusInstance directus = TestDirectus.dedicated(Map.of())) {
            DirectusProvisioner provisioner = new DirectusProvisioner(TestDirectus.adminClient(directus.url()));
            String roleId = provisioner.provision().roleId();
            List<ChatUser> users = IntStream.rangeClosed(1, N)
                    .mapToObj(i -> new ChatUser(email(i), PASSWORD, "Heap", String.format("%04d", i)))
                    .toList();
            for (int from = 0; from < users.size(); from += 50) {
                provisioner.ensureUsers(users.subList(from, Math.min(from + 50, users.size())), roleId);
            }
            List<String> appSettings = List.of(
                    "--directus.local.enabled=false",
                    "--directus.url=" + directus.url(),
                    "--chat.rate-limit.login-per-ip=1000000",
                    "--chat.rate-limit.login-per-email=1000");
            try (AppProcess app = new AppProcess(appSettings)) {
                // Warm-up: one session through login, stream and logout, so that lazy singletons are not counted.
                List<AppSession> one = login(app, 1);
                openStreams(one).forEach(AppSession.Stream::close);
                logout(one);
                awaitSockets(app, directus.port(), n -> n == 0); // pooled REST connections close after 3 s
                long heap0 = ProcStats.heapAfterFullGcKb(app.pid());
                Map<String, long[]> histogram0 = histogram(app.pid());
                long rss0 = ProcStats.status(app.pid(), "VmRSS");
                Map<String, Integer> threads0 = ProcStats.threadsByName(app.pid());

                List<AppSession> sessions = login(app, N);
                List<AppSession.Stream> streams = openStreams(sessions);
                awaitSockets(app, directus.port(), n -> n >= N);
                long heapN = ProcStats.heapAfterFullGcKb(app.pid());
                Map<String, long[]> histogramN = histogram(app.pid());
                long rssN = ProcStats.status(app.pid(), "VmRSS");
                Map<String, Integer> threadsN = ProcStats.threadsByName(app.pid());
                if (Boolean.getBoolean("bench.heap.dump")) { // for a heap analyser: who owns the bytes
                    java.nio.file.Path dump = TestDirectus.TARGET.resolve("bench-heap.hprof");
                    Files.deleteIfExists(dump); // jcmd does not overwrite
                    new ProcessBuilder("jcmd", Long.toString(app.pid()), "GC.heap_dump", dump.toString())
                            .inheritIO()
                            .start()
                            .waitFor();
                }
                assertThat(streams)
                        .allSatisfy(s -> assertThat(s.endedUnexpectedly()).isFalse());

                String report = "# HeapBench\n\n"
                        + BenchRun.header("HeapBench", appSettings)
                        + "Our app as `" + app.launchedAs + "`.\n\n"
                        + report(heap0, heapN, rss0, rssN, histogram0, histogramN)
                        + String.format(
                                "%nThreads: %d with no sessions, %d with N; by name (digits as #): %s with no"
                                        + " sessions, %s with N.%n",
                                threads0.values().stream()
                                        .mapToInt(Integer::intValue)
                                        .sum(),
                                threadsN.values().stream()
                                        .mapToInt(Integer::intValue)
                                        .sum(),
                                threads0,
                                threadsN);
                System.out.println(report);
                Files.writeString(TestDirectus.TARGET.resolve("bench-heap.md"), report);
                streams.forEach(AppSession.Stream::close);
                logout(sessions);
            }
        } finally {
            logins.shutdownNow();
            clientThreads.shutdownNow();
        }
    }

    private static String report(
            long heap0, long heapN, long rss0, long rssN, Map<String, long[]> before, Map<String, long[]> after) {
        StringBuilder out = new StringBuilder(String.format(
                "Run at %s, Java %s; N = %d idle sessions"
                        + " (logged in, one SSE stream, Directus socket open).%n%n"
                        + "Heap after full GC: %d KiB with no sessions, %d KiB with N: **%.1f KiB per session**"
                        + " (target ≤ 150 KB = 146.5 KiB: %s).%n"
                        + "RSS: %d MiB → %d MiB (%.1f KiB per session).%n%n"
                        + "| class | Δ instances / session | Δ bytes / session |%n|---|---:|---:|%n",
                Instant.now(),
                System.getProperty("java.version"),
                N,
                heap0,
                heapN,
                (heapN - heap0) / (double) N,
                (heapN - heap0) / (double) N <= 150_000 / 1024.0 ? "met" : "not met",
                rss0 / 1024,
                rssN / 1024,
                (rssN - rss0) / (double) N));
        Set<String> classes = new HashSet<>(before.keySet());
        classes.addAll(after.keySet());
        long total = 0;
        List<String[]> rows = new ArrayList<>();
        List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
        for (String c : classes) {
            long[] b = before.getOrDefault(c, new long[2]);
            long[] a = after.getOrDefault(c, new long[2]);
            deltas.add(Map.entry(c, new long[] {a[0] - b[0], a[1] - b[1]}));
            total += a[1] - b[1];
        }
        deltas.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1])
                .reversed());
        for (Map.Entry<String, long[]> e : deltas.subList(0, Math.min(TOP, deltas.size()))) {
            rows.add(new String[] {
                e.getKey(),
                String.format("%.2f", e.getValue()[0] / (double) N),
                String.format("%.0f", e.getValue()[1] / (double) N)
            });
        }
        rows.forEach(r -> out.append("| `")
                .append(r[0])
                .append("` | ")
                .append(r[1])
                .append(" | ")
                .append(r[2])
                .append(" |\n"));
        out.append(String.format("%nAll classes: %.0f bytes per session.%n", total / (double) N));
        return out.toString();
    }

    /** Class name → {instances, bytes} of the live heap ({@code GC.class_histogram} runs a full GC first). */
    private static Map<String, long[]> histogram(long pid) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, long[]> classes = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    private List<AppSession> login(AppProcess app, int n) throws Exception {
        List<Callable<AppSession>> tasks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String email = email(i);
            tasks.add(() -> {
                AppSession session = new AppSession(http, app.url());
                assertThat(session.login(email, PASSWORD)).isNull();
                assertThat(session.openPage()).isNull();
                return session;
            });
        }
        List<AppSession> sessions = new ArrayList<>();
        for (Future<AppSession> f : logins.invokeAll(tasks)) {
            sessions.add(f.get());
        }
        return sessions;
    }

    private static List<AppSession.Stream> openStreams(List<AppSession> sessions) throws Exception {
        List<AppSession.Stream> streams = new ArrayList<>();
        for (AppSession session : sessions) {
            streams.add(session.openStream(new Receipts(), new java.util.concurrent.ConcurrentHashMap<>()));
        }
        for (AppSession.Stream s : streams) {
            s.connected.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(s.status()).isEqualTo(200);
        }
        return streams;
    }

    private void logout(List<AppSession> sessions) throws Exception {
        List<Callable<Integer>> tasks =
                sessions.stream().<Callable<Integer>>map(s -> s::logout).toList();
        for (Future<Integer> f : logins.invokeAll(tasks)) {
            assertThat(f.get()).isEqualTo(302);
        }
    }

    /** Waits until our connections to Directus satisfy {@code done}, and stay so for half a second. */
    private static int awaitSockets(AppProcess app, int port, java.util.function.IntPredicate done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int previous = -1;
        while (System.nanoTime() < deadline) {
            int count = ProcStats.establishedTo(app.pid(), port);
            if (count == previous && done.test(count)) {
                return count;
            }
            previous = count;
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        throw new AssertionError("Directus connections: " + previous);
    }

    private static String email(int i) {
        return String.format("heap%04d@example.com", i);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
