package com.directuschat.testsupport;

import com.directuschat.DirectusChatApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * directus-chat in its own JVM, so that its CPU, heap and RSS are its own and it can be stopped with a signal: the
 * packaged jar when the build made one ({@code verify} runs after {@code package}), else the main class on this
 * JVM's class path. Its output is appended to {@link #log}.
 */
public final class AppProcess implements AutoCloseable {

    public final int port;
    public final Path log;
    public final String launchedAs;
    private final Process process;

    /** The benchmarks' app: a free port, log in target/bench-scale-app.log, JVM options from {@link #jvmArgs()}. */
    public AppProcess(List<String> args) {
        this("bench-scale-app.log", args);
    }

    /** A benchmark's app, as above, with its log in target/{@code logName} (emptied first). */
    public AppProcess(String logName, List<String> args) {
        this(emptied(TestDirectus.TARGET.resolve(logName)), TestDirectus.freePort(), jvmArgs(), args);
    }

    private static Path emptied(Path file) {
        try {
            Files.deleteIfExists(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public AppProcess(Path log, int port, List<String> jvmArgs, List<String> args) {
        this.log = log;
        this.port = port;
        List<String> all = new ArrayList<>(args);
        all.add("--server.port=" + port);
        Optional<Path> jar = jar();
        ProcessBuilder builder;
        if (jar.isPresent()) {
            List<String> command = new ArrayList<>(
                    List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(jvmArgs);
            command.addAll(List.of("-jar", jar.get().toString()));
            command.addAll(all);
            builder = new ProcessBuilder(command).redirectErrorStream(true);
            launchedAs = "java " + String.join(" ", jvmArgs) + " -jar " + TestDirectus.TARGET.relativize(jar.get());
        } else {
            builder = Processes.javaProcess(DirectusChatApplication.class, jvmArgs, all.toArray(String[]::new));
            launchedAs = "java -cp <test class path> " + DirectusChatApplication.class.getName();
        }
        try {
            process = builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private static Optional<Path> jar() {
        try (Stream<Path> files = Files.list(TestDirectus.TARGET)) {
            return files.filter(p -> p.getFileName().toString().matches("directus-chat-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("directus-chat exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(url() + "/login"))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        throw new IllegalStateException("directus-chat not ready in 120 s; see " + log);
    }

    /** Lines of our log at WARN or ERROR, and refusals (logged at INFO). */
    public List<String> warnings() {
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.contains(" WARN ")
                            || l.contains(" ERROR ")
                            || l.contains("refused")
                            || l.contains("nreachable"))
                    .toList();
        } catch (IOException e) {
            return List.of("cannot read " + log + ": " + e);
        }
    }

    /** SIGTERM, as an orchestrator stops a container; see {@link #awaitExit}. */
    public void sigterm() {
        process.destroy();
    }

    /** SIGKILL, as a crash or an out-of-memory kill would end it; see {@link #awaitExit}. */
    public void sigkill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end and returns its exit code. */
    public int awaitExit(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("directus-chat (pid " + pid() + ") did not exit within " + wait);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * JVM options for the app under test, from {@code -Dbench.app.jvm-args="…"} (space-separated), e.g. a JFR
     * recording: {@code -XX:StartFlightRecording=filename=target/app.jfr,settings=profile}. None by default.
     */
    public static List<String> jvmArgs() {
        String value = System.getProperty("bench.app.jvm-args", "").strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }
}
