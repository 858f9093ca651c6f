package com.directuschat.bench;

import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
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

    private static final ScaleSettings RUN = ScaleSettings.fromProperties("bench.scale", "10,100,500,1000", "100");
    private static final Duration IDLE_SOCKET_WAIT = Duration.ofSeconds(90);
    private static final int WS_CONNECTS_IN_FLIGHT = 32;
    static final List<String> SIDES = List.of("directus-chat", "direct, tutorial query", "direct, lean query");
    private static final List<String> CPU_COLUMNS = List.of("Directus");

    private final ScaleLoad load = new ScaleLoad("ScaleBench", RUN.warmup());
    private final Map<Integer, String> refreshTokens = new ConcurrentHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private DirectusInstance directus;
    private ProcessHandle directusProcess;
    private AppProcess app;
    private long heapBaselineKb;
    private int baselineDirectusConnections;

    @Test
    void deliveryScalesWithSessions() throws Exception {
        List<ScaleReport.Row> rows = new ArrayList<>();
        Map<Integer, Long> paces = new LinkedHashMap<>();
        try (load;
                DirectusInstance instance = TestDirectus.dedicated(Map.of())) {
            directus = instance;
            directusProcess = instance.directus().process().orElseThrow();
            load.createUsers(instance.url(), RUN.largestN());
            List<String> args = new ArrayList<>(ScaleLoad.APP_SETTINGS);
            args.add("--directus.url=" + instance.url());
            try (AppProcess started = new AppProcess(args)) {
                app = started;
                baseline();
                for (int n : RUN.ns()) {
                    Map<String, ScaleLoad.Totals> totals = new LinkedHashMap<>();
                    SIDES.forEach(side -> totals.put(side, new ScaleLoad.Totals()));
                    long pace = RUN.fixedPace(n);
                    for (int block = 0; block < RUN.blocks(); block++) {
                        int rounds = RUN.rounds(n, block);
                        boolean idleCheck = n == RUN.largestN() && block == RUN.blocks() - 1;
                        pace = ours(n, block, rounds, pace, idleCheck, totals.get(SIDES.get(0)));
                        direct(n, DirectReader.TUTORIAL_FIELDS, rounds, pace, totals.get(SIDES.get(1)));
                        direct(n, DirectReader.LEAN_FIELDS, rounds, pace, totals.get(SIDES.get(2)));
                    }
                    paces.put(n, pace);
                    for (Map.Entry<String, ScaleLoad.Totals> side : totals.entrySet()) {
                        rows.add(side.getValue().row(n, side.getKey(), pace));
                    }
                    ScaleLoad.Totals oursAtN = totals.get(SIDES.get(0));
                    notes.add(String.format(
                            "N=%d, directus-chat: our JVM's threads peak %d, at the end of the window %d, by name then: %s",
                            n, oursAtN.threadsPeak, oursAtN.threadsEnd, oursAtN.threadsByName));
                    System.out.println(ScaleReport.table(rows, CPU_COLUMNS));
                }
                ScaleLoad.addWarnings(app, "our", notes);
            }
        }
        String report = header(paces) + ScaleReport.table(rows, CPU_COLUMNS) + "\n" + load.footer(notes);
        ScaleReport.write(
                report,
                TestDirectus.TARGET.resolve("bench-scale.md"),
                Path.of("docs", "bench", "scale.svg"),
                rows,
                SIDES,
                "Directus 12.4.0 (SQLite)",
                RUN.rounds(),
                paces);
        load.assertNoErrorsLossesOrDuplicates(rows);
    }

    private List<ProcessHandle> measured() {
        return List.of(app.handle(), directusProcess);
    }

    /** Warms our app up with one session, then takes the heap and connection figures of no sessions. */
    private void baseline() throws Exception {
        baselineDirectusConnections = load.baseline(app, directus.port());
        heapBaselineKb = ProcStats.heapAfterFullGcKb(app.pid());
        log(
                "baseline: heap after full GC %d KiB, %d connections to Directus, RSS %d MiB",
                heapBaselineKb, baselineDirectusConnections, ProcStats.status(app.pid(), "VmRSS") / 1024);
    }

    /** One block of directus-chat: N logins, N streams, measure, close, log out. Returns the pace used. */
    private long ours(int n, int block, int rounds, long pace, boolean idleCheck, ScaleLoad.Totals totals)
            throws Exception {
        log("N=%d block %d: directus-chat, logging in", n, block);
        ScaleLoad.Connected c = load.connect(app.url(), n);
        if (block == 0) {
            totals.heapKbPerSession = (ProcStats.heapAfterFullGcKb(app.pid()) - heapBaselineKb) / (double) n;
        }
        long usedPace = load.measure(
                String.format("N=%d block %d", n, block),
                c.receipts(),
                load.sendAs(c.sender()),
                c.ids(),
                pace,
                rounds,
                measured(),
                totals);
        load.closeStreams(c);
        if (idleCheck) {
            idleSockets(n);
        }
        load.logout(c.sessions(), app, directus.port(), baselineDirectusConnections + 2);
        return usedPace;
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
    private void direct(int n, List<String> fields, int rounds, long pace, ScaleLoad.Totals totals) throws Exception {
        log("N=%d: direct %s, connecting", n, fields);
        ensureRefreshTokens(n);
        List<Receipts> receipts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            receipts.add(new Receipts());
        }
        List<DirectReader> readers =
                load.connectDirect(directus.url(), fields, refreshTokens, receipts, WS_CONNECTS_IN_FLIGHT);
        String senderToken = TestDirectus.loginToken(directus.url(), ScaleLoad.email(1), ScaleLoad.PASSWORD);
        Function<String, Long> send = content -> {
            try {
                return DirectusRest.createMessage(directus.url(), senderToken, content);
            } catch (RuntimeException e) {
                load.error("direct create failed: " + e.getMessage());
                return null;
            }
        };
        load.measure(
                String.format("N=%d direct %s", n, fields), receipts, send, Map.of(), pace, rounds, measured(), totals);
        readers.stream()
                .filter(DirectReader::endedUnexpectedly)
                .forEach(r -> load.error("direct socket closed by Directus"));
        readers.forEach(DirectReader::close);
    }

    private void ensureRefreshTokens(int n) throws Exception {
        List<Callable<Void>> missing = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int user = i;
            if (!refreshTokens.containsKey(user)) {
                missing.add(() -> {
                    refreshTokens.put(user, ScaleLoad.refreshToken(directus.url(), user));
                    return null;
                });
            }
        }
        for (Future<Void> f : load.logins.invokeAll(missing)) {
            f.get();
        }
    }

    private String header(Map<Integer, Long> paces) {
        return "# ScaleBench\n\n"
                + BenchRun.header("ScaleBench", ScaleLoad.APP_SETTINGS)
                + RUN.method(
                        "sides alternate: directus-chat, direct tutorial query, direct lean query",
                        "directus-chat at that N",
                        paces)
                + String.format(
                        "Directus 12.4.0 (SQLite, dedicated test instance, as LocalDirectus starts it: websockets and their"
                                + " heartbeat on, telemetry off, PRESSURE_LIMITER_ENABLED=false); our app as `%s`."
                                + " Non-default settings of our app: `%s`.%n%n",
                        app == null ? "?" : app.launchedAs, String.join(" ", ScaleLoad.APP_SETTINGS));
    }

    private void log(String format, Object... args) {
        load.log(format, args);
    }
}
