package com.directuschat.directus.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
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
    private final DataDir dataDir;
    private final PidFile pidFile;
    // HTTP/1.1 only: Java's default h2c upgrade header sends the request to Directus' WebSocket upgrade handler, which
    // never answers.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Process launcher; // our own start; null when adopted or stopped
    private ProcessHandle directus; // the Directus node process (child of the launcher)

    public LocalDirectus(LocalDirectusProperties props, DirectusInstallation installation) {
        this.props = props;
        this.installation = installation;
        this.dataDir = new DataDir(props);
        this.pidFile = new PidFile(dataDir, installation.directusCli(), props.port());
    }

    /** Installs Directus into the cache if needed (several minutes the first time); does not start it. */
    public static LocalDirectus installed(LocalDirectusProperties props) {
        return new LocalDirectus(props, DirectusInstaller.forProperties(props).ensureDirectus());
    }

    public String url() {
        return dataDir.url();
    }

    public int port() {
        return props.port();
    }

    public Path dataDir() {
        return dataDir.path();
    }

    public Path logFile() {
        return dataDir.logFile();
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
            Files.createDirectories(dataDir.path());
            Optional<ProcessHandle> leftover = pidFile.adoptOrStop(this::isHealthy, STOP_GRACE);
            if (leftover.isPresent()) {
                log.info(
                        "Reusing the Directus left running at {} (pid {})",
                        url(),
                        leftover.get().pid());
                directus = leftover.get();
                return;
            }
            checkPortFree();
            dataDir.prepare();
            Path launcherScript = dataDir.launcherScript();
            Map<String, String> env = dataDir.environment();
            long started = System.nanoTime();
            Files.writeString(
                    logFile(),
                    "=== start " + Instant.now() + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (!dataDir.bootstrapDone()) {
                runBootstrap(launcherScript, env);
                dataDir.markBootstrapped();
            }
            launcher = launch(launcherScript, env, "start");
            waitUntilReady(started);
            directus = launcher.toHandle().children().findFirst().orElse(launcher.toHandle());
            pidFile.write(launcher, directus);
            log.info(
                    "Directus {} ready at {} in {} ms (data in {})",
                    props.version(),
                    url(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    dataDir.path());
        } catch (IOException e) {
            stopQuietly();
            throw new LocalDirectusException("Cannot start Directus in " + dataDir.path() + ": " + e.getMessage(), e);
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
        pidFile.delete();
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
                throw failure("Directus bootstrap did not finish within "
                        + props.startupTimeout().toSeconds() + "s");
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

    private Process launch(Path launcherScript, Map<String, String> env, String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        installation.node().toString(),
                        launcherScript.toString(),
                        installation.node().toString(),
                        installation.directusCli().toString(),
                        command)
                .directory(dataDir.path().toFile()) // no .env here: Directus would let it override our variables
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
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/server/ping"))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
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

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // the launcher is gone already
        }
    }
}
