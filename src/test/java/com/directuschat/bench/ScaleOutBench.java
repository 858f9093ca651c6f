package com.directuschat.bench;

import com.directuschat.cluster.Cluster;
import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.Nginx;
import com.directuschat.testsupport.TestDirectus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10, item 3: last-stream latency at N logged-in sessions with one Directus process serving realtime against
 * two, with {@link ScaleBench}'s method ({@link ScaleLoad}).
 *
 * <p>One {@link Cluster#directusTier(Map)} for the whole run: two Directus 12.4.0 processes (Node 22) on one
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
 * <p>Users scale0001..scaleNNNN (N the largest) are created once, in parallel batches. Each app logs its users in
 * once for the whole run, through its login form: before the first block at each N, those of users 1..N it does not
 * have yet (so N = 200 uses the first 200 of the 1,000 sessions, and the other 800 log in after the N = 200 blocks).
 * Per N, the sides alternate in blocks (default 2 per side: one, two, two, one, …); in each block the side's first
 * N sessions each open one SSE stream ({@code -Dbench.open-concurrency}, default 32, opening at a time; from the newest message id: nothing to replay), a warm-up of one-at-a-time
 * sends is not counted, then user 1 sends at a fixed pace: 3× the median warm-up latency of the one-Directus side in
 * its first block at that N (the slower side, so that neither is driven past its throughput), the same pace for both
 * sides. Latency: send start → arrival on the last of the N streams; lost = (message, stream) pairs not received
 * within 30 s; duplicated = second arrivals; CPU seconds of our JVM, of each Directus process and of nginx (master
 * and worker) during the paced window.
 *
 * <p>After a block only the streams close; the sessions stay logged in. User 1 then sends two messages half a
 * second apart, so that the app sees the closed connections at once (a closed connection shows when the second
 * write after the close fails; the app's own writes to an idle stream, SSE heartbeats every 15 s, would take 15 to
 * 30 s). The app closes a login's Directus socket {@value #IDLE_TIMEOUT} after its last tab
 * ({@code chat.realtime-idle-timeout}, below); presence costs Directus nothing (the apps keep it). The bench waits
 * until each app has no more connections to its Directus than with no tab open (pooled REST ones; measured after the
 * warm-up with user 1's first stream) and all five processes are quiet (under 0.1 CPU s
 * per s together), so only the measured side's sockets are open and the idle side costs Directus nothing; the note
 * of each block says how many connections the other app had.
 *
 * <p>After the blocks at each N, one more block, the row "delivery to another instance": the N streams are the
 * two-Directus app's, and the sender is user 1's session on the one-Directus app, so each message goes app A → REST
 * create on Directus 1 → app A publishes the created message on Redis (its fan-out relay) → app B → its tabs, while
 * Directus's own events (its Redis bus → app B's sockets on both Directus) only confirm it; latency from the send
 * on A to the arrival on the last of B's streams ("CPU s ours" is app B's). Both apps run with Redis as
 * docker-compose.yml runs them (HTTP sessions, login tokens and rate limits there).
 *
 * <p>Run: {@code ./mvnw -Pbench verify -Dit.test=ScaleOutBench -Dbench.scaleout.n=200,1000
 * -Dbench.scaleout.rounds=200:100,1000:40}; also {@code -Dbench.scaleout.blocks=2}, {@code
 * -Dbench.scaleout.warmup=5}, {@code -Dbench.scaleout.pace-ms=200:500,1000:3000} (fixed paces instead of
 * calibrated ones), {@code -Dbench.scaleout.app-args="--chat.heartbeat-interval=30s …"} (more settings for
 * both apps, listed in the report). Writes target/bench-scaleout.md and target/bench-scaleout.svg; needs nginx
 * ({@code NGINX_PATH}, default /usr/sbin/nginx), PostgreSQL on 127.0.0.1:5432 (user postgres, no password) and Redis
 * on 127.0.0.1:6379.
 *
 * <p>Every setting that is not a default:
 *
 * <ul>
 *   <li>our apps: {@code --directus.local.enabled=false --chat.rate-limit.login-per-ip=1000000
 *       --chat.rate-limit.login-per-email=1000 --chat.rate-limit.sends=1000 --chat.rate-limit.send-burst=1000}
 *       (the bench's own logins and sends), {@code --chat.realtime-idle-timeout=2s} (default 60 s: the sessions
 *       stay logged in between blocks, and the idle side's sockets must be gone before the other side is measured;
 *       while a tab is open it changes nothing) and {@code --directus.url} as above; Redis as docker-compose.yml
 *       gives the apps ({@code --spring.data.redis.host=127.0.0.1}, database {@value #APP_REDIS_DB}, a session
 *       namespace of the run, one {@code --chat.login.token-key} for both); no JVM options unless
 *       {@code -Dbench.app.jvm-args}; everything else default, e.g. presence in the apps, shared through Redis,
 *       and {@code directus.ping-interval} 35 s (put off by Directus's 30 s heartbeat);
 *   <li>both Directus processes: what {@code LocalDirectus} gives every instance ({@code HOST=127.0.0.1},
 *       {@code WEBSOCKETS_ENABLED=true}, {@code WEBSOCKETS_HEARTBEAT_ENABLED=true}, {@code TELEMETRY=false},
 *       {@code PRESSURE_LIMITER_ENABLED=false}, {@code LOG_STYLE=raw}, admin user), {@code DB_CLIENT=pg}, one
 *       {@code SECRET} for both, and docker-compose.yml's {@code REDIS}, {@code CACHE_STORE=redis},
 *       {@code SYNCHRONIZATION_STORE=redis} with the run's Redis namespaces; log level default (info);
 *       {@code ACCESS_TOKEN_TTL=4h} (default 15 min: the logins last the whole run, ~30 min, and with the default
 *       every open socket would refresh its token and re-authenticate in the middle of some paced windows, which
 *       logins per block never did); {@code HASH_MEMORY_COST=4096 HASH_TIME_COST=2 HASH_PARALLELISM=1} (argon2's
 *       defaults are 65536, 3 and 4: ~170 ms of CPU per password hashed or checked, against ~4 ms; the run creates
 *       1,000 users and makes 2,000 logins, and no paced window hashes anything);
 *   <li>nginx: one worker process with {@code worker_connections 8192} as deploy/nginx/nginx.conf sets for
 *       docker-compose (the image's default: 1,024; a proxied socket takes two), Debian's nginx binary.
 * </ul>
 */
class ScaleOutBench {

    private static final ScaleSettings RUN =
            ScaleSettings.fromProperties("bench.scaleout", "200,1000", "200:100,1000:40");
    /** More arguments for both apps, e.g. {@code --chat.heartbeat-interval=30s}; none by default. */
    private static final List<String> EXTRA_APP_ARGS = Arrays.stream(
                    System.getProperty("bench.scaleout.app-args", "").split("\\s+"))
            .filter(a -> !a.isBlank())
            .toList();

    /** How long after its last tab a login's Directus socket closes (both apps; the default is 60 s). */
    static final String IDLE_TIMEOUT = "2s";
    /**
     * Both Directus processes: access tokens outlive the run, so no socket re-authenticates in a window; and cheap
     * password hashes (argon2id with 4 MiB, 2 passes, 1 lane instead of 64 MiB, 3, 4: ~4 ms instead of ~170 ms per
     * hash or login here), as the bench creates and logs in 2,000+ users and no window hashes anything.
     */
    private static final Map<String, String> DIRECTUS_ENV = new TreeMap<>(Map.of(
            "ACCESS_TOKEN_TTL", "4h",
            "HASH_MEMORY_COST", "4096",
            "HASH_TIME_COST", "2",
            "HASH_PARALLELISM", "1"));
    /** User creation: create requests at a time (each hashes its users' passwords on one core). */
    private static final int USER_BATCHES_AT_ONCE = 4;

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SIDES = List.of("one Directus", "two Directus (nginx)");
    /** The row of messages sent through the one-Directus app and read on the other app's tabs. */
    static final String CROSS = "delivery to another instance (sent via one, read on two)";
    /** Both apps keep HTTP sessions, login tokens and rate limits in this Redis database, as docker-compose.yml. */
    static final int APP_REDIS_DB = 12;
    /** Keys of this run's HTTP sessions, so runs never mix. */
    private static final String SESSION_NAMESPACE =
            "bench-scaleout-" + ProcessHandle.current().pid() + ":session";
    /** The key both apps seal the login tokens in Redis with (compose gives both one key; any 32 bytes do). */
    private static final String TOKEN_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    private static final List<String> CPU_COLUMNS = List.of("Directus 1", "Directus 2", "nginx");

    private final ScaleLoad load = new ScaleLoad("ScaleOutBench", RUN.warmup());
    private final List<String> notes = new ArrayList<>();
    private Cluster cluster;
    private DirectusAdminClient admin;
    private List<ProcessHandle> others;
    /** Both apps, both Directus processes and nginx. */
    private final List<ProcessHandle> all = new ArrayList<>();

    private final List<Side> sides = new ArrayList<>();

    /**
     * One side: its app, the port its Directus sockets go to, its connections there with no tab open, and its
     * sessions (users 1, 2, … in order), logged in once for the run.
     */
    private record Side(String name, AppProcess app, int port, int idleConnections, List<AppSession> sessions) {}

    @Test
    void lastStreamLatencyWithOneDirectusAgainstTwo() throws Exception {
        Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        long runStarted = System.nanoTime();
        List<ScaleReport.Row> rows = new ArrayList<>();
        Map<Integer, Long> paces = new LinkedHashMap<>();
        String launchedAs;
        try (load;
                Cluster started = Cluster.directusTier(DIRECTUS_ENV)) {
            cluster = started;
            cluster.start();
            load.log("cluster started in %d s", (System.nanoTime() - runStarted) / 1_000_000_000);
            others = List.of(
                    cluster.directus(0).process().orElseThrow(),
                    cluster.directus(1).process().orElseThrow(),
                    cluster.nginx().handle());
            admin = TestDirectus.adminClient(cluster.directus(0).url());
            double cpu = cpu(others);
            load.createUsers(cluster.directus(0).url(), RUN.largestN(), USER_BATCHES_AT_ONCE);
            load.log("  CPU s of Directus and nginx: %.1f", cpu(others) - cpu);
            try (AppProcess one = app("one", cluster.directus(0).url());
                    AppProcess two = app("two", cluster.directusUrl())) {
                launchedAs = one.launchedAs;
                all.addAll(List.of(one.handle(), two.handle()));
                all.addAll(others);
                sides.add(side(SIDES.get(0), one, cluster.directus(0).port()));
                sides.add(side(
                        SIDES.get(1), two, URI.create(cluster.directusUrl()).getPort()));
                for (int n : RUN.ns()) {
                    for (Side side : sides) {
                        logInUpTo(side, n);
                    }
                    settle("N=" + n + ", after the logins");
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
                    ScaleLoad.Totals cross = new ScaleLoad.Totals();
                    crossBlock(sides.get(0), sides.get(1), n, RUN.rounds(n, 0), pace, cross);
                    rows.add(cross.row(n, CROSS, pace));
                    System.out.println(ScaleReport.table(rows, CPU_COLUMNS));
                }
                ScaleLoad.addWarnings(one, "one-Directus app", notes);
                ScaleLoad.addWarnings(two, "two-Directus app", notes);
            }
        }
        load.log("run took %d s", (System.nanoTime() - runStarted) / 1_000_000_000);
        String report = header(paces, launchedAs) + ScaleReport.table(rows, CPU_COLUMNS) + "\n" + ratios(rows) + "\n"
                + load.footer(notes);
        ScaleReport.write(
                report,
                TestDirectus.TARGET.resolve("bench-scaleout.md"),
                TestDirectus.TARGET.resolve("bench-scaleout.svg"),
                rows,
                List.of(SIDES.get(0), SIDES.get(1), CROSS),
                "Directus 12.4.0 ×1 / ×2 (PostgreSQL, Redis)",
                RUN.rounds(),
                paces);
        load.assertNoErrorsLossesOrDuplicates(rows);
    }

    /**
     * Warms the app up with user 1's session (logged in for the run) and one stream, closes it, and takes the app's
     * connections to its Directus with no tab open.
     */
    private Side side(String name, AppProcess app, int port) throws Exception {
        ScaleLoad.Connected first = load.connect(app.url(), 1);
        load.warmUp(first.receipts(), load.sendAs(first.sender()), first.ids());
        load.closeStreams(first);
        nudge(first.sender());
        settle(name + ", warm-up");
        // Pooled REST connections go 3 s after their last use.
        int idle = load.awaitConnectionsAtMost(app, port, 0, Duration.ofSeconds(10));
        load.log("%s: warmed up, %d connections to Directus with no tab", name, idle);
        return new Side(name, app, port, idle, new ArrayList<>(first.sessions()));
    }

    /**
     * Makes the app see at once that the streams closed: a closed connection shows when a write to it fails, the
     * second write after the close (the first draws the reset), and the app's own writes to an idle stream, an SSE
     * heartbeat every 15 s, would take 15 to 30 s. Two messages half a second apart are those writes.
     */
    private void nudge(AppSession sender) {
        for (int i = 0; i < 2; i++) {
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            if (sender.send("streams closed " + i) >= 300) {
                load.error("the message after the streams closed was refused");
            }
        }
    }

    /** CPU seconds of the processes so far. */
    private static double cpu(List<ProcessHandle> processes) {
        return processes.stream().mapToDouble(ProcStats::cpuSeconds).sum();
    }

    /** Both apps' settings but directus.url: the scale benchmarks' own, the idle timeout, -Dbench.scaleout.app-args. */
    private static List<String> appSettings() {
        List<String> args = new ArrayList<>(ScaleLoad.APP_SETTINGS);
        args.add("--chat.realtime-idle-timeout=" + IDLE_TIMEOUT);
        // As docker-compose.yml runs them: HTTP sessions, login tokens and rate limits in one Redis, one token key.
        args.add("--spring.data.redis.host=127.0.0.1");
        args.add("--spring.data.redis.database=" + APP_REDIS_DB);
        args.add("--spring.session.data.redis.namespace=" + SESSION_NAMESPACE);
        args.add("--chat.login.token-key=" + TOKEN_KEY);
        args.addAll(EXTRA_APP_ARGS);
        return args;
    }

    private static AppProcess app(String name, String directusUrl) {
        List<String> args = appSettings();
        args.add("--directus.url=" + directusUrl);
        return new AppProcess("bench-scaleout-app-" + name + ".log", args);
    }

    /** Logs in those of users 1..n the side does not have yet. */
    private void logInUpTo(Side side, int n) throws Exception {
        int have = side.sessions().size();
        if (have < n) {
            load.log("%s: logging in users %d..%d", side.name(), have + 1, n);
            double cpu = cpu(all);
            side.sessions().addAll(load.login(side.app().url(), have + 1, n));
            load.log("  CPU s of the apps, Directus and nginx: %.1f", cpu(all) - cpu);
        }
    }

    /** One block of one side: N streams, measure, close them, settle. Returns the pace used. */
    private long block(Side side, Side other, int n, int block, int rounds, long pace, ScaleLoad.Totals totals) {
        String label = String.format("N=%d block %d, %s", n, block, side.name());
        load.log("%s: opening streams", label);
        int otherConnections = ProcStats.establishedTo(other.app().pid(), other.port());
        if (otherConnections > other.idleConnections() + 2) {
            load.error("the other app still has Directus sockets: " + otherConnections);
        }
        List<AppSession> sessions =
                side.sessions().subList(0, Math.min(n, side.sessions().size()));
        double cpu = cpu(all);
        double ours = ProcStats.cpuSeconds(side.app().handle());
        ScaleLoad.Connected c = load.open(sessions, newestMessageId());
        load.log(
                "  CPU s of the apps, Directus and nginx: %.1f (this app: %.1f)",
                cpu(all) - cpu, ProcStats.cpuSeconds(side.app().handle()) - ours);
        List<ProcessHandle> measured = new ArrayList<>(List.of(side.app().handle()));
        measured.addAll(others);
        long used = load.measure(label, c.receipts(), load.sendAs(c.sender()), c.ids(), pace, rounds, measured, totals);
        // At the end of the window, with the streams still open: few REST connections are pooled then, and nginx
        // keeps none to Directus, so nginx's connections are the sockets it spread.
        notes.add(String.format(
                "%s, end of the window: our connections to port %d: %d; nginx's to Directus 1 / 2: %d / %d; the"
                        + " other app's to its Directus before the block: %d (%d with no tab)",
                label,
                side.port(),
                ProcStats.establishedTo(side.app().pid(), side.port()),
                cluster.nginx().connectionsTo(cluster.directus(0).port()),
                cluster.nginx().connectionsTo(cluster.directus(1).port()),
                otherConnections,
                other.idleConnections()));
        load.closeStreams(c);
        notes.add(String.format(
                Locale.ROOT,
                "%s: streams the app closed because they fell behind (chat_stream_overflows_total, since the app"
                        + " started): %.0f",
                label,
                load.metric(side.app(), "chat_stream_overflows_total")));
        nudge(c.sender());
        settle(label);
        return used;
    }

    /**
     * Delivery to another instance: the N streams are the two-Directus app's, the sender is user 1's session on the
     * one-Directus app. A message goes our app A → REST create on Directus 1 → Directus's Redis bus → the sockets of
     * app B on Directus 1 and 2 → app B → its tabs. Latency: send start on A → arrival on the last of B's N streams.
     */
    private void crossBlock(Side sender, Side readers, int n, int rounds, long pace, ScaleLoad.Totals totals) {
        String label = String.format("N=%d, %s", n, CROSS);
        load.log("%s: opening streams", label);
        List<AppSession> sessions =
                readers.sessions().subList(0, Math.min(n, readers.sessions().size()));
        ScaleLoad.Connected c = load.open(sessions, newestMessageId());
        List<ProcessHandle> measured = new ArrayList<>(List.of(readers.app().handle()));
        measured.addAll(others);
        AppSession from = sender.sessions().get(0);
        load.measure(label, c.receipts(), load.sendAs(from), c.ids(), pace, rounds, measured, totals);
        load.closeStreams(c);
        nudge(c.sender());
        settle(label);
    }

    /** The newest message's id: a block's streams start there, with nothing to replay. */
    private long newestMessageId() {
        JsonNode newest = admin.get("/items/messages?fields=id&sort=-id&limit=1");
        return newest.size() == 0 ? 0 : newest.get(0).path("id").asLong();
    }

    /**
     * Waits until what the streams left behind is done: each app back to its connections to Directus with no tab
     * (sockets closed {@value #IDLE_TIMEOUT} after the last tab, pooled REST connections 3 s after their last use),
     * and all processes quiet (read positions written). Sockets left are an error, the rest is noted.
     */
    private void settle(String label) {
        long started = System.nanoTime();
        for (Side side : sides) {
            int max = side.idleConnections() + 2;
            if (load.awaitConnectionsAtMost(side.app(), side.port(), max) > max) {
                load.error("Directus sockets still open after the streams closed");
            }
        }
        long deadline = started + SETTLE_TIMEOUT.toNanos();
        double cpu = load.awaitQuiet(all, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        load.log(
                "%s: settled in %d ms (CPU %.2f s in the last second)",
                label, (System.nanoTime() - started) / 1_000_000, cpu);
        if (cpu >= ScaleLoad.QUIET_CPU) {
            notes.add(String.format(
                    Locale.ROOT,
                    "%s: not settled after %d s: %.2f CPU s in the last second",
                    label,
                    SETTLE_TIMEOUT.toSeconds(),
                    cpu));
        }
    }

    /** Two Directus against one, per N: the latency ratios and the total CPU of the Directus processes. */
    private static String ratios(List<ScaleReport.Row> rows) {
        StringBuilder out = new StringBuilder();
        for (int n : RUN.ns()) {
            List<ScaleReport.Row> atN = rows.stream()
                    .filter(r -> r.n() == n && SIDES.contains(r.side()))
                    .toList();
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
                + BenchRun.header("ScaleOutBench", appSettings())
                + RUN.method(
                        "alternating: one, two, two, one, …",
                        "the one-Directus side in its first block at that N",
                        paces)
                + String.format(
                        "Two Directus 12.4.0 on PostgreSQL and Redis, nginx (deploy/nginx/directus.conf.template) in"
                                + " front; our apps as `%s`, one with directus.url = Directus 1, one with directus.url"
                                + " = nginx. Streams open %d at a time. Each app logs its users in once for the run;"
                                + " between blocks only the"
                                + " streams close (two messages after the close make the app see it). Non-default settings of our apps: `%s` and directus.url; of both"
                                + " Directus: `%s`, the rest and nginx's in the Javadoc of ScaleOutBench.%n%n",
                        launchedAs,
                        ScaleLoad.OPEN_CONCURRENCY,
                        String.join(" ", appSettings()),
                        DIRECTUS_ENV.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" ")));
    }
}
