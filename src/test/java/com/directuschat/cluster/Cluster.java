package com.directuschat.cluster;

import com.directuschat.directus.local.LocalDirectus;
import com.directuschat.directus.local.LocalDirectusProperties;
import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.Nginx;
import com.directuschat.testsupport.Psql;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The topology of docker-compose.yml as processes of this machine: its PostgreSQL (a database of our own) and Redis
 * (DB {@value #REDIS_DB}, keys prefixed with this run's name), two Directus processes on that one database with
 * Directus's Redis bus, two chat processes (the packaged jar, or the main class), and nginx with the repository's
 * deploy/nginx configuration in front of both pairs. The chat processes reach Redis through a {@link TcpProxy}, so that
 * a test can take Redis away from them ({@link #bridgesRedis()}); Directus keeps its own connection.
 * {@link #directusTier()} is the Directus half alone, for benchmarks that put chat processes of their own in front of
 * it.
 */
public final class Cluster implements AutoCloseable {

    static final int REDIS_DB = 11;
    static final String REDIS_URL = "redis://127.0.0.1:6379/" + REDIS_DB;
    static final String TOKEN_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final Pattern UUID = Pattern.compile("[0-9a-f-]{36}");

    private final long pid = ProcessHandle.current().pid();
    /** Prefix of every Redis key and channel of this run, so runs and other users of the Redis never mix. */
    final String run = "dchat-cluster-" + pid;

    private final String database = "directus_cluster_" + pid;
    private final Path dir = TestDirectus.TARGET.resolve("cluster");
    final int chatPort = TestDirectus.freePort();
    final int directusPort = TestDirectus.freePort();
    private final int[] bridgePorts = {TestDirectus.freePort(), TestDirectus.freePort()};
    private final LocalDirectusProperties[] directusProperties = new LocalDirectusProperties[2];
    private final LocalDirectus[] directus = new LocalDirectus[2];
    private final AppProcess[] bridges = new AppProcess[2];
    private final boolean withChat;
    /** More environment for both Directus processes (a benchmark's own settings). */
    private final Map<String, String> extraEnv;
    /** More arguments for both chat processes (a scenario's own settings). */
    private final List<String> bridgeArgs = new ArrayList<>();

    private Nginx nginx;
    private TcpProxy bridgesRedis;
    private String roleId;

    /** The whole topology, as {@link ClusterIT} drives it. */
    Cluster() {
        this(true, Map.of());
    }

    private Cluster(boolean withChat, Map<String, String> extraEnv) {
        this.withChat = withChat;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /**
     * PostgreSQL, Redis, both Directus processes and the nginx in front of them, without the chat processes (nginx's
     * chat server proxies to ports nobody listens on). Directus logs at its default level (the socket tracing of
     * {@link #directusOf} costs CPU per event).
     */
    public static Cluster directusTier() {
        return directusTier(Map.of());
    }

    /** The same, with more environment for both Directus processes, e.g. {@code ACCESS_TOKEN_TTL}. */
    public static Cluster directusTier(Map<String, String> extraEnv) {
        return new Cluster(false, extraEnv);
    }

    /** Adds arguments for both chat processes; before {@link #start()}. */
    Cluster withBridgeArgs(String... args) {
        bridgeArgs.addAll(List.of(args));
        return this;
    }

    public void start() {
        try {
            TestDirectus.deleteRecursively(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Psql.run("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        Psql.run("postgres", "CREATE DATABASE " + database);
        Map<String, String> env = directusEnvironment();
        LocalDirectusProperties.Db db =
                LocalDirectusProperties.Db.postgres("127.0.0.1", 5432, database, "postgres", null);
        directusProperties[0] = TestDirectus.freshProperties(env).withDb(db);
        directus[0] = new LocalDirectus(directusProperties[0], TestDirectus.installation());
        directus[0].start(); // bootstraps the database: the second instance must not do it at the same time
        if (withChat) {
            countRefreshes(); // a trigger per session write: the cluster test's, not the benchmarks'
        }
        roleId = new DirectusProvisioner(admin()).provisionWithDemoUsers().roleId();
        directusProperties[1] = TestDirectus.freshProperties(env).withDb(db);
        copyBootstrapMarker(directusProperties[0].dataDir(), directusProperties[1].dataDir());
        directus[1] = new LocalDirectus(directusProperties[1], TestDirectus.installation());
        directus[1].start();
        nginx = new Nginx(
                dir.resolve("nginx"),
                Map.of(
                        "CHAT_LISTEN", Integer.toString(chatPort),
                        "CHAT_1", "127.0.0.1:" + bridgePorts[0],
                        "CHAT_2", "127.0.0.1:" + bridgePorts[1],
                        "DIRECTUS_LISTEN", Integer.toString(directusPort),
                        "DIRECTUS_1", "127.0.0.1:" + directus[0].port(),
                        "DIRECTUS_2", "127.0.0.1:" + directus[1].port()),
                List.of(chatPort, directusPort));
        if (withChat) {
            try {
                bridgesRedis = new TcpProxy("127.0.0.1", 6379);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            startBridge(0);
            startBridge(1);
        }
    }

    /** What docker-compose.yml gives both Directus services, with this run's own Redis names. */
    private Map<String, String> directusEnvironment() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, String> env = new LinkedHashMap<>();
        env.put(
                "SECRET",
                HexFormat.of().formatHex(secret)); // one secret: a token of one instance is valid on the other
        env.put("REDIS", REDIS_URL);
        env.put("CACHE_STORE", "redis");
        env.put("SYNCHRONIZATION_STORE", "redis");
        env.put("CACHE_NAMESPACE", run + "-cache");
        env.put("SYNCHRONIZATION_NAMESPACE", run + "-sync");
        env.put("REDIS_BUS_NAMESPACE", run + ":bus");
        env.put("REDIS_PERMISSIONS_NAMESPACE", run + ":permissions");
        env.put("REDIS_LOCK_NAMESPACE", run + ":lock");
        env.put("REDIS_COUNTERS_NAMESPACE", run + ":counters");
        env.put("HEALTHCHECK_NAMESPACE", run + ":healthcheck");
        env.put("WEBSOCKETS_COLLAB_STORE_NAMESPACE", run + ":collab");
        if (withChat) {
            env.put("LOG_LEVEL", "trace"); // socket authentications with user ids: DirectusSockets
        }
        env.putAll(extraEnv);
        return env;
    }

    /**
     * Restarts each Directus in turn with these variables added to its environment, the other one serving
     * meanwhile (e.g. a short {@code ACCESS_TOKEN_TTL}, which only the scenario that needs it should pay for).
     */
    void restartDirectus(Map<String, String> extraEnv) {
        for (int i = 0; i < 2; i++) {
            directus[i].stop();
            Map<String, String> env = new LinkedHashMap<>(directusProperties[i].extraEnv());
            env.putAll(extraEnv);
            directusProperties[i] = directusProperties[i].withExtraEnv(env);
            directus[i] = new LocalDirectus(directusProperties[i], TestDirectus.installation());
            directus[i].start();
        }
    }

    /**
     * Records each token refresh, with its user and time, in a table outside Directus's schema: a refresh in JSON
     * mode rewrites the token of the login's {@code directus_sessions} row, whichever Directus process makes it. The
     * database is the one place that sees the refreshes of every chat and Directus process.
     */
    private void countRefreshes() {
        Psql.run(database, """
                CREATE SCHEMA cluster_test;
                CREATE TABLE cluster_test.refreshes (user_id text, at timestamptz NOT NULL DEFAULT clock_timestamp());
                CREATE FUNCTION cluster_test.count_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO cluster_test.refreshes (user_id) VALUES (NEW."user"::text);
                    RETURN NEW;
                END $$;
                CREATE TRIGGER cluster_test_refreshes AFTER UPDATE OF token ON directus_sessions FOR EACH ROW
                    WHEN (OLD.token IS DISTINCT FROM NEW.token) EXECUTE FUNCTION cluster_test.count_refresh();
                """);
    }

    /** When Directus refreshed a token of this user (any login of theirs, through any process), oldest first. */
    List<Instant> refreshesOf(String userId) {
        if (!UUID.matcher(userId).matches()) {
            throw new IllegalArgumentException("not a Directus user id: " + userId);
        }
        String out = Psql.run(
                database,
                "SELECT (extract(epoch FROM at) * 1000)::bigint FROM cluster_test.refreshes WHERE user_id = '" + userId
                        + "' ORDER BY at");
        return out.lines()
                .filter(l -> !l.isBlank())
                .map(l -> Instant.ofEpochMilli(Long.parseLong(l.strip())))
                .toList();
    }

    private static void copyBootstrapMarker(Path from, Path to) {
        try {
            Files.createDirectories(to);
            Files.copy(from.resolve("bootstrapped"), to.resolve("bootstrapped"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts chat instance {@code i} (again) on its port, as docker-compose.yml configures it. */
    void startBridge(int i) {
        List<String> args = new ArrayList<>(List.of(
                "--directus.url=http://127.0.0.1:" + directusPort,
                "--directus.local.enabled=false",
                "--server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1",
                "--spring.data.redis.url=redis://127.0.0.1:" + bridgesRedis.port() + "/" + REDIS_DB,
                "--spring.session.data.redis.namespace=" + run + ":session",
                // Both chat instances seal the logins' tokens in Redis with one key, as compose gives them one.
                "--chat.login.token-key=" + TOKEN_KEY,
                "--chat.rate-limit.login-per-ip=100000",
                "--chat.rate-limit.login-per-email=100000",
                "--chat.rate-limit.sends=100000",
                "--chat.rate-limit.send-burst=100000",
                // Presence's keys and channel, like the others, named after this run.
                "--chat.presence.redis-namespace=" + run + ":presence"));
        args.addAll(bridgeArgs);
        bridges[i] = new AppProcess(
                dir.resolve("chat-" + (i + 1) + ".log"),
                bridgePorts[i],
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                args);
    }

    AppProcess bridge(int i) {
        return bridges[i];
    }

    String bridgeUrl(int i) {
        return "http://127.0.0.1:" + bridgePorts[i];
    }

    int bridgePort(int i) {
        return bridgePorts[i];
    }

    /** The Redis of both chat processes: {@link TcpProxy#down()} takes it away from them, not from Directus. */
    TcpProxy bridgesRedis() {
        return bridgesRedis;
    }

    /** The chat as browsers reach it: through nginx. */
    String url() {
        return "http://127.0.0.1:" + chatPort;
    }

    /** Directus as the chat reaches it: through nginx ({@code /websocket} least connections, REST round robin). */
    public String directusUrl() {
        return "http://127.0.0.1:" + directusPort;
    }

    public Nginx nginx() {
        return nginx;
    }

    public LocalDirectus directus(int i) {
        return directus[i];
    }

    /** Indexes of the Directus processes on which this user has a realtime socket open. */
    List<Integer> directusOf(String userId) {
        return IntStream.range(0, 2)
                .filter(i -> directus[i].isRunning()
                        && DirectusSockets.openUsers(directus[i].logFile()).contains(userId))
                .boxed()
                .toList();
    }

    /** How many realtime sockets this user has open, over both Directus processes. */
    int socketsOf(String userId) {
        return IntStream.range(0, 2)
                .filter(i -> directus[i].isRunning())
                .map(i -> Collections.frequency(DirectusSockets.openUsers(directus[i].logFile()), userId))
                .sum();
    }

    /** Creates chat users (Chat users role) and returns their Directus ids, by email. */
    Map<String, String> users(List<ChatUser> users) {
        new DirectusProvisioner(admin()).ensureUsers(users, roleId);
        Map<String, String> ids = new LinkedHashMap<>();
        for (ChatUser user : users) {
            ids.put(
                    user.email(),
                    DirectusAdminClient.login(directus[0].url(), user.email(), user.password())
                            .get("/users/me?fields=id")
                            .path("id")
                            .asString());
        }
        return ids;
    }

    private DirectusAdminClient admin() {
        LocalDirectus running = directus[0].isRunning() ? directus[0] : directus[1];
        return TestDirectus.adminClient(running.url());
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable part :
                new AutoCloseable[] {bridges[0], bridges[1], bridgesRedis, nginx, directus[0], directus[1]}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                failures.add(new IllegalStateException("closing " + part, e));
            }
        }
        try {
            Psql.run("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            deleteRedisKeys();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void deleteRedisKeys() {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection
                        .sync()
                        .scan(cursor, ScanArgs.Builder.matches("*" + run + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    static ChatUser user(String name) {
        return new ChatUser(name + "@cluster.example.com", TestUsers.USER_PASSWORD, name, "Cluster");
    }
}
