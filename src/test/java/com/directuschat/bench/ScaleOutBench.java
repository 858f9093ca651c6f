package com.directuschat.bench;

import com.directuschat.cluster.Cluster;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.Nginx;
import com.directuschat.testsupport.TestDirectus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 3: last-stream latency at N logged-in sessions with one Directus process serving realtime against
 * two, with {@link ScaleBench}'s method ({@link ScaleLoad}).
 *
 * <p>One {@link Cluster#directusTier()} for the whole run: two Directus 12.4.0 processes (Node 22) on one
 * PostgreSQL database (this machine's server, a database of the run's own) with Directus's Redis bus, cache and
 * synchronization (this machine's Redis, DB 11, names prefixed with the run), and nginx with the repository's
 * deploy/nginx/directus.conf.template in front of both ({@code /websocket}: {@code least_conn}; REST: round robin).
 * Two of our apps, each in its own JVM, both running all the time:
 *
 * <ul>
 *   <li>"one Directus": {@code directus.url} is Directus 1 itself, so its REST requests and every realtime socket
 *       go there; Directus 2 runs idle on the same database and bus;
 *   <li>"two Directus": {@code directus.url} is the nginx balancer, so the sockets spread over both (the report
 *       notes how many landed on each) and so do the REST requests.
 * </ul>
 *
 * Both sides use the same Directus setup; what differs is the number of Directus processes serving them, and
 * nginx's hop on the two-Directus side (its CPU is a column of its own).
 *
 * <p>Per N, the sides alternate in blocks (default 2 per side: one, two, two, one, …); in each block users
 * scale0001..N log in to that side's app through its login form, each opens one SSE stream, a warm-up of
 * one-at-a-time sends is not counted, then user 1 sends at a fixed pace: 3× the median warm-up latency of the
 * one-Directus side in its first block at that N (the slower side, so that neither is driven past its throughput),
 * the same pace for both sides. Latency: send start → arrival on the last of the N streams; lost = (message, stream)
 * pairs not received within 30 s; duplicated = second arrivals; CPU seconds of our JVM, of each Directus process and
 * of nginx (master and worker) during the paced window. After a block the streams close, the sessions log out and
 * the bench waits until that app has no more connections to its Directus than with no session (its pooled REST
 * ones), so only the measured side's sockets are open; the note of each block says how many the other app had.
 *
 * <p>Run: {@code ./mvnw -Pbench verify -Dit.test=ScaleOutBench -Dbench.scaleout.n=200,1000
 * -Dbench.scaleout.rounds=200:100,1000:40}; also {@code -Dbench.scaleout.blocks=2}, {@code
 * -Dbench.scaleout.warmup=5}, {@code -Dbench.scaleout.pace-ms=200:500,1000:3000} (fixed paces instead of
 * calibrated ones), {@code -Dbench.scaleout.app-args="--chat.presence.heartbeat-interval=60s …"} (more settings for
 * both apps, listed in the report). Writes target/bench-scaleout.md and target/bench-scaleout.svg; needs nginx
 * ({@code NGINX_PATH}, default /usr/sbin/nginx), PostgreSQL on 127.0.0.1:5432 (user postgres, no password) and Redis
 * on 127.0.0.1:6379.
 *
 * <p>Every setting that is not a default:
 *
 * <ul>
 *   <li>our apps: {@code --directus.local.enabled=false --chat.rate-limit.login-per-ip=1000000
 *       --chat.rate-limit.login-per-email=1000 --chat.rate-limit.sends=1000 --chat.rate-limit.send-burst=1000}
 *       (the bench's own logins and sends) and {@code --directus.url} as above; no JVM options unless
 *       {@code -Dbench.app.jvm-args}; no Redis (HTTP sessions in memory); everything else default, e.g. a presence
 *       heartbeat per user every 20 s and a ping per socket every 5 s;
 *   <li>both Directus processes: what {@code LocalDirectus} gives every instance ({@code HOST=127.0.0.1},
 *       {@code WEBSOCKETS_ENABLED=true}, {@code WEBSOCKETS_HEARTBEAT_ENABLED=true}, {@code TELEMETRY=false},
 *       {@code PRESSURE_LIMITER_ENABLED=false}, {@code LOG_STYLE=raw}, admin user), {@code DB_CLIENT=pg}, one
 *       {@code SECRET} for both, and docker-compose.yml's {@code REDIS}, {@code CACHE_STORE=redis},
 *       {@code SYNCHRONIZATION_STORE=redis} with the run's Redis namespaces; log level default (info);
 *   <li>nginx: one worker process with {@code worker_connections 8192} (the nginx image: one worker per core,
 *       1,024 each; a proxied socket takes two), Debian's nginx binary.
 * </ul>
 */
class ScaleOutBench {

    private static final ScaleSettings RUN =
            ScaleSettings.fromProperties("bench.scaleout", "200,1000", "200:100,1000:40");
    /** More arguments for both apps, e.g. {@code --chat.presence.heartbeat-interval=60s}; none by default. */
    private static final List<String> EXTRA_APP_ARGS = Arrays.stream(
                    System.getProperty("bench.scaleout.app-args", "").split("\\s+"))
            .filter(a -> !a.isBlank())
            .toList();

    private static final List<String> SIDES = List.of("one Directus", "two Directus (nginx)");
    private static final List<String> CPU_COLUMNS = List.of("Directus 1", "Directus 2", "nginx");

    private final ScaleLoad load = new ScaleLoad("ScaleOutBench", RUN.warmup());
    private final List<String> notes = new ArrayList<>();
    private Cluster cluster;
    private List<ProcessHandle> others;

    /** One side: its app, the port its Directus sockets go to, and its connections there with no session. */
    private record Side(String name, AppProcess app, int port, int idleConnections) {}

    @Test
    void lastStreamLatencyWithOneDirectusAgainstTwo() throws Exception {
        Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        List<ScaleReport.Row> rows = new ArrayList<>();
        Map<Integer, Long> paces = new LinkedHashMap<>();
        String launchedAs;
        try (load;
                Cluster started = Cluster.directusTier()) {
            cluster = started;
            cluster.start();
            others = List.of(
                    cluster.directus(0).process().orElseThrow(),
                    cluster.directus(1).process().orElseThrow(),
                    cluster.nginx().handle());
            load.createUsers(cluster.directus(0).url(), RUN.largestN());
            try (AppProcess one = app("one", cluster.directus(0).url());
                    AppProcess two = app("two", cluster.directusUrl())) {
                launchedAs = one.launchedAs;
                List<Side> sides = List.of(
                        side(SIDES.get(0), one, cluster.directus(0).port()),
                        side(
                                SIDES.get(1),
                                two,
                                URI.create(cluster.directusUrl()).getPort()));
                for (int n : RUN.ns()) {
                    Map<Side, ScaleLoad.Totals> totals = new LinkedHashMap<>();
                    sides.forEach(side -> totals.put(side, new ScaleLoad.Totals()));
                    long pace = RUN.fixedPace(n);
                    for (int block = 0; block < RUN.blocks(); block++) {
                        int rounds = RUN.rounds(n, block);
                        List<Side> order = block % 2 == 0 ? sides : List.of(sides.get(1), sides.get(0));
                        for (Side side : order) {
                            Side other = side == sides.get(0) ? sides.get(1) : sides.get(0);
                            pace = block(side, other, n, block, rounds, pace, totals.get(side));
                        }
                    }
                    paces.put(n, pace);
                    for (Side side : sides) {
                        rows.add(totals.get(side).row(n, side.name(), pace));
                    }
                    System.out.println(ScaleReport.table(rows, CPU_COLUMNS));
                }
                ScaleLoad.addWarnings(one, "one-Directus app", notes);
                ScaleLoad.addWarnings(two, "two-Directus app", notes);
            }
        }
        String report = header(paces, launchedAs) + ScaleReport.table(rows, CPU_COLUMNS) + "\n" + ratios(rows) + "\n"
                + load.footer(notes);
        ScaleReport.write(
                report,
                TestDirectus.TARGET.resolve("bench-scaleout.md"),
                TestDirectus.TARGET.resolve("bench-scaleout.svg"),
                rows,
                SIDES,
                "Directus 12.4.0 ×1 / ×2 (PostgreSQL, Redis)",
                RUN.rounds(),
                paces);
        load.assertNoErrorsLossesOrDuplicates(rows);
    }

    /** Warms the app up with one session and takes its connections to Directus with none. */
    private Side side(String name, AppProcess app, int port) throws Exception {
        int idle = load.baseline(app, port);
        load.log("%s: warmed up, %d connections to Directus with no session", name, idle);
        return new Side(name, app, port, idle);
    }

    /** Both apps' settings but directus.url: the scale benchmarks' own and those of -Dbench.scaleout.app-args. */
    private static List<String> appSettings() {
        List<String> args = new ArrayList<>(ScaleLoad.APP_SETTINGS);
        args.addAll(EXTRA_APP_ARGS);
        return args;
    }

    private static AppProcess app(String name, String directusUrl) {
        List<String> args = appSettings();
        args.add("--directus.url=" + directusUrl);
        return new AppProcess("bench-scaleout-app-" + name + ".log", args);
    }

    /** One block of one side: N logins, N streams, measure, close, log out. Returns the pace used. */
    private long block(Side side, Side other, int n, int block, int rounds, long pace, ScaleLoad.Totals totals)
            throws Exception {
        String label = String.format("N=%d block %d, %s", n, block, side.name());
        load.log("%s: logging in", label);
        int otherConnections = ProcStats.establishedTo(other.app().pid(), other.port());
        if (otherConnections > other.idleConnections() + 2) {
            load.error("the other app still has Directus sockets: " + otherConnections);
        }
        ScaleLoad.Connected c = load.connect(side.app().url(), n);
        List<ProcessHandle> measured = new ArrayList<>(List.of(side.app().handle()));
        measured.addAll(others);
        long used = load.measure(label, c.receipts(), load.sendAs(c.sender()), c.ids(), pace, rounds, measured, totals);
        // At the end of the window, with the streams still open: few REST connections are pooled then, and nginx
        // keeps none to Directus, so nginx's connections are the sockets it spread.
        notes.add(String.format(
                "%s, end of the window: our connections to port %d: %d; nginx's to Directus 1 / 2: %d / %d; the"
                        + " other app's to its Directus before the block: %d (%d with no session)",
                label,
                side.port(),
                ProcStats.establishedTo(side.app().pid(), side.port()),
                cluster.nginx().connectionsTo(cluster.directus(0).port()),
                cluster.nginx().connectionsTo(cluster.directus(1).port()),
                otherConnections,
                other.idleConnections()));
        load.closeStreams(c);
        load.logout(c.sessions(), side.app(), side.port(), side.idleConnections() + 2);
        return used;
    }

    /** Two Directus against one, per N: the latency ratios and the total CPU of the Directus processes. */
    private static String ratios(List<ScaleReport.Row> rows) {
        StringBuilder out = new StringBuilder();
        for (int n : RUN.ns()) {
            List<ScaleReport.Row> atN = rows.stream().filter(r -> r.n() == n).toList();
            if (atN.size() != 2
                    || atN.stream().anyMatch(r -> r.latency().millis().isEmpty())) {
                continue;
            }
            ScaleReport.Row one = atN.get(0);
            ScaleReport.Row two = atN.get(1);
            out.append(String.format(
                    Locale.ROOT,
                    "- N = %d: two Directus / one: last-stream p50 %.2f×, p99 %.2f×; Directus CPU s in all %.1f / %.1f%n",
                    n,
                    two.latency().percentile(50) / one.latency().percentile(50),
                    two.latency().percentile(99) / one.latency().percentile(99),
                    two.cpuOthers().get(0) + two.cpuOthers().get(1),
                    one.cpuOthers().get(0) + one.cpuOthers().get(1)));
        }
        return out.toString();
    }

    private String header(Map<Integer, Long> paces, String launchedAs) {
        return "# ScaleOutBench\n\n"
                + RUN.method(
                        "alternating: one, two, two, one, …",
                        "the one-Directus side in its first block at that N",
                        paces)
                + String.format(
                        "Two Directus 12.4.0 on PostgreSQL and Redis, nginx (deploy/nginx/directus.conf.template) in"
                                + " front; our apps as `%s`, one with directus.url = Directus 1, one with directus.url"
                                + " = nginx. Non-default settings of our apps: `%s` and directus.url; of Directus and"
                                + " nginx: see the Javadoc of ScaleOutBench.%n%n",
                        launchedAs, String.join(" ", appSettings()));
    }
}
