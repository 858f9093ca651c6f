package com.directuschat.directus.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Directus process run by this JVM from a local npm install. Started through a small Node launcher
 * that reads a pipe from the JVM, so Directus ends when the JVM does, however it ends.
 */
public final class LocalDirectus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalDirectus.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Set<String> INHERITED_ENV = Set.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "TZ");

    private final LocalDirectusProperties props;
    private final DirectusInstallation installation;
    private final Path dataDir;
    // HTTP/1.1 only: Java's default h2c upgrade header sends the request to Directus' WebSocket upgrade handler, which never answers.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private Process launcher;          // our own start; null when adopted or stopped
    private ProcessHandle directus;    // the Directus node process (child of the launcher)

    public LocalDirectus(LocalDirectusProperties props, DirectusInstallation installation) {
        this.props = props;
        this.installation = installation;
        this.dataDir = props.dataDir().toAbsolutePath().normalize();
    }

    /** Installs Directus into the cache if needed (several minutes the first time); does not start it. */
    public static LocalDirectus installed(LocalDirectusProperties props) {
        return new LocalDirectus(props, DirectusInstaller.forProperties(props).ensureDirectus());
    }

    public String url() {
        return "http://127.0.0.1:" + props.port();
    }

    public int port() {
        return props.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("directus.log");
    }

    /** The Directus process, while running. */
    public synchronized Optional<ProcessHandle> process() {
        return Optional.ofNullable(directus).filter(ProcessHandle::isAlive);
    }

    public synchronized boolean isRunning() {
        return process().isPresent();
    }

    /** Bootstraps (migrations, admin user; idempotent) and starts Directus, waiting until it answers ping. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            if (adoptOrStopLeftover()) {
                return;
            }
            checkPortFree();
            Path launcherScript = writeLauncher();
            prepareDataDir();
            Map<String, String> env = environment();
            long started = System.nanoTime();
            Files.writeString(logFile(), "=== start " + Instant.now() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!bootstrapDone()) {
                runBootstrap(launcherScript, env);
                Files.writeString(bootstrapMarker(), bootstrapKey());
            }
            launcher = launch(launcherScript, env, "start");
            waitUntilReady(started);
            directus = launcher.toHandle().children().findFirst().orElse(launcher.toHandle());
            writePidFile();
            log.info("Directus {} ready at {} in {} ms (data in {})", props.version(), url(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dataDir);
        } catch (IOException e) {
            stopQuietly();
            throw new LocalDirectusException("Cannot start Directus in " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /** Stops Directus and its children: SIGTERM, then SIGKILL after a few seconds. */
    public synchronized void stop() {
        if (launcher != null) {
            closeQuietly(launcher.getOutputStream()); // the launcher stops Directus when its stdin closes
            if (!ProcessTree.awaitExit(List.of(launcher.toHandle()), STOP_GRACE.plusSeconds(2))) {
                ProcessTree.stop(launcher.toHandle(), STOP_GRACE);
            }
        }
        if (directus != null && directus.isAlive()) {
            ProcessTree.stop(directus, STOP_GRACE);
        }
        forget();
    }

    /** SIGKILL to the whole Directus process tree, as a crash would. */
    public synchronized void kill() {
        if (launcher != null) {
            ProcessTree.kill(launcher.toHandle());
        }
        if (directus != null) {
            ProcessTree.kill(directus);
        }
        forget();
    }

    /** Stop and start again on the same port with the same data (tokens stay valid: the secret is kept). */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private void forget() {
        launcher = null;
        directus = null;
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            log.debug("Cannot delete {}", pidFile(), e);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.debug("Stop after failed start failed", e);
        }
    }

    private void runBootstrap(Path launcherScript, Map<String, String> env) throws IOException {
        Process bootstrap = launch(launcherScript, env, "bootstrap");
        try {
            if (!bootstrap.waitFor(props.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.kill(bootstrap.toHandle());
                throw failure("Directus bootstrap did not finish within " + props.startupTimeout().toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(bootstrap.toHandle());
            Thread.currentThread().interrupt();
            throw new LocalDirectusException("Interrupted while bootstrapping Directus", e);
        } finally {
            closeQuietly(bootstrap.getOutputStream());
        }
        if (bootstrap.exitValue() != 0) {
            throw failure("Directus bootstrap failed (exit " + bootstrap.exitValue() + ")");
        }
    }

    // Bootstrap loads all of Directus (seconds); it is skipped when this data dir was bootstrapped
    // already by the same Directus version for the same database.
    private Path bootstrapMarker() {
        return dataDir.resolve("bootstrapped");
    }

    private String bootstrapKey() {
        LocalDirectusProperties.Db db = props.db();
        return props.version() + " " + (db.isPostgres()
                ? "pg://" + db.host() + ":" + db.port() + "/" + db.database()
                : db.client() + ":data.db") + "\n"; // relative, so a copied data dir keeps it
    }

    private boolean bootstrapDone() throws IOException {
        return Files.exists(bootstrapMarker()) && Files.readString(bootstrapMarker()).equals(bootstrapKey())
                && (props.db().isPostgres() || Files.exists(dataDir.resolve("data.db")));
    }

    private Process launch(Path launcherScript, Map<String, String> env, String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(installation.node().toString(), launcherScript.toString(),
                installation.node().toString(), installation.directusCli().toString(), command)
                .directory(dataDir.toFile()) // no .env here: Directus would let it override our variables
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        pb.environment().keySet().retainAll(INHERITED_ENV);
        pb.environment().putAll(env);
        return pb.start(); // stdin stays a pipe from this JVM on purpose (see launcher.js)
    }

    private void waitUntilReady(long startedNanos) {
        long deadline = startedNanos + props.startupTimeout().toNanos();
        while (true) {
            if (!launcher.isAlive()) {
                throw failure("Directus exited during startup (exit " + launcher.exitValue() + ")");
            }
            if (isHealthy()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure("Directus did not answer " + url() + "/server/ping within "
                        + props.startupTimeout().toSeconds() + "s (directus.local.startup-timeout)");
            }
            try {
                launcher.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalDirectusException("Interrupted while waiting for Directus", e);
            }
        }
    }

    /** True if {@code GET /server/ping} answers pong. */
    public boolean isHealthy() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/server/ping"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("pong");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private LocalDirectusException failure(String what) {
        return new LocalDirectusException(what + "; log " + logFile() + " ends: " + LogTail.of(logFile(), 20));
    }

    private void checkPortFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), props.port()));
        } catch (IOException e) {
            throw new LocalDirectusException("port " + props.port() + " is in use by another process;"
                    + " set directus.local.port or DIRECTUS_LOCAL_PORT");
        }
    }

    Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        LocalDirectusProperties.Db db = props.db();
        if (db.isPostgres()) {
            env.put("DB_CLIENT", "pg");
            env.put("DB_HOST", db.host());
            env.put("DB_PORT", Integer.toString(db.port()));
            env.put("DB_DATABASE", db.database());
            env.put("DB_USER", db.user());
            if (db.password() != null) {
                env.put("DB_PASSWORD", db.password());
            }
        } else {
            env.put("DB_CLIENT", db.client());
            env.put("DB_FILENAME", dataDir.resolve("data.db").toString());
        }
        env.put("SECRET", secret());
        env.put("ADMIN_EMAIL", props.adminEmail());
        env.put("ADMIN_PASSWORD", props.adminPassword());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(props.port()));
        env.put("PUBLIC_URL", url());
        env.put("WEBSOCKETS_ENABLED", "true");
        env.put("WEBSOCKETS_HEARTBEAT_ENABLED", "true");
        env.put("TELEMETRY", "false");
        // Its event-loop pressure limiter answers 503 "Under pressure" on a busy development machine (seen right
        // after start-up at load 12 on 2 cores); a local Directus for one developer has nobody to shed.
        env.put("PRESSURE_LIMITER_ENABLED", "false");
        env.put("LOG_STYLE", "raw");
        env.putAll(props.extraEnv());
        return env;
    }

    /** Generated once per data dir so that tokens survive restarts. */
    private String secret() throws IOException {
        Path file = dataDir.resolve("secret");
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return Files.readString(file).strip();
    }

    /** Directus wants these in its working dir; without them it logs warnings on every start. */
    private void prepareDataDir() throws IOException {
        Files.createDirectories(dataDir.resolve("uploads"));
        Files.createDirectories(dataDir.resolve("extensions"));
        Path packageJson = dataDir.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"name\":\"directus-chat-local-data\",\"private\":true}\n");
        }
    }

    private Path writeLauncher() throws IOException {
        Path script = dataDir.resolve("launcher.js");
        try (InputStream in = LocalDirectus.class.getResourceAsStream("launcher.js")) {
            if (in == null) {
                throw new IllegalStateException("launcher.js missing from the classpath");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    // --- leftovers of an earlier run (crashed or SIGKILLed JVM) ---

    private Path pidFile() {
        return dataDir.resolve("directus.pid");
    }

    private void writePidFile() throws IOException {
        Files.writeString(pidFile(), "launcher=" + (launcher == null ? "" : launcher.pid()) + "\n"
                + "directus=" + directus.pid() + "\nport=" + props.port() + "\n");
    }

    /** Returns true if a healthy leftover of ours on our port was adopted; stops other leftovers of ours. */
    private boolean adoptOrStopLeftover() throws IOException {
        if (!Files.exists(pidFile())) {
            return false;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(pidFile(), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        Optional<ProcessHandle> leftover = ours(values.get("directus"));
        Optional<ProcessHandle> leftoverLauncher = ours(values.get("launcher"));
        if (leftover.isPresent() && Integer.toString(props.port()).equals(values.get("port")) && isHealthy()) {
            log.info("Reusing the Directus left running at {} (pid {})", url(), leftover.get().pid());
            directus = leftover.get();
            return true;
        }
        leftoverLauncher.ifPresent(p -> ProcessTree.stop(p, STOP_GRACE));
        leftover.ifPresent(p -> {
            log.info("Stopping a leftover Directus (pid {})", p.pid());
            ProcessTree.stop(p, STOP_GRACE);
        });
        Files.deleteIfExists(pidFile());
        return false;
    }

    /** The process, if alive and really ours: its command line names our launcher or Directus cli. */
    private Optional<ProcessHandle> ours(String pid) {
        if (pid == null || pid.isBlank()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(pid))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine()
                            .map(cmd -> cmd.contains(dataDir.resolve("launcher.js").toString())
                                    || cmd.contains(installation.directusCli().toString()))
                            .orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // the launcher is gone already
        }
    }
}
