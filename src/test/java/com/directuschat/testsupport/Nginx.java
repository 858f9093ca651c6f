package com.directuschat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's nginx running the repository's own configuration ({@code deploy/nginx/*.conf.template}, the files
 * docker-compose.yml mounts), filled in with test ports, in its own prefix directory: its own pid file, logs and
 * temp dirs, in the foreground as a child of this JVM.
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getenv().getOrDefault("NGINX_PATH", "/usr/sbin/nginx"));
    public static final Path TEMPLATES = Path.of("deploy", "nginx").toAbsolutePath();
    public static final List<String> TEMPLATE_FILES = List.of("chat.conf.template", "directus.conf.template");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private final Path dir;
    private final Process process;

    /** The deployed {@code worker_connections} (deploy/nginx/nginx.conf), so tests hold what compose holds. */
    public static final int WORKER_CONNECTIONS = deployedWorkerConnections();

    /**
     * Starts nginx with every template filled from {@code variables} and waits until it listens on {@code ports}.
     */
    public Nginx(Path dir, Map<String, String> variables, List<Integer> ports) {
        this.dir = dir.toAbsolutePath();
        try {
            Path conf = writeConfig(this.dir, variables);
            process = new ProcessBuilder(
                            BINARY.toString(),
                            "-p",
                            this.dir.toString(),
                            "-c",
                            conf.toString(),
                            "-e",
                            errorLog().toString(),
                            "-g",
                            "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(this.dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitListening(ports);
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The template with every {@code ${NAME}} replaced, as the nginx image's envsubst does; an unknown name fails. */
    public static String fill(String template, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /**
     * Writes every template, filled from {@code variables}, and a main nginx.conf including them into a new
     * {@code dir}; returns the main file.
     */
    public static Path writeConfig(Path dir, Map<String, String> variables) throws IOException {
        Path prefix = dir.toAbsolutePath();
        TestDirectus.deleteRecursively(prefix);
        Files.createDirectories(prefix);
        StringBuilder includes = new StringBuilder();
        for (String template : TEMPLATE_FILES) {
            String conf = template.replace(".template", "");
            Files.writeString(prefix.resolve(conf), fill(Files.readString(TEMPLATES.resolve(template)), variables));
            includes.append("    include ").append(prefix.resolve(conf)).append(";\n");
        }
        Path main = prefix.resolve("nginx.conf");
        Files.writeString(main, mainConfig(prefix, includes.toString()));
        return main;
    }

    /** What the nginx image's own nginx.conf provides around conf.d, with every path inside our prefix. */
    private static String mainConfig(Path dir, String includes) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return (root ? "user root;\n" : "") + """
                worker_processes 1;
                pid %1$s/nginx.pid;
                events {
                    worker_connections %3$d;
                }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s}
                """.formatted(dir, includes, WORKER_CONNECTIONS);
    }

    private static int deployedWorkerConnections() {
        try {
            Matcher m = Pattern.compile("worker_connections\\s+(\\d+);")
                    .matcher(Files.readString(TEMPLATES.resolve("nginx.conf")));
            if (!m.find()) {
                throw new IllegalStateException("deploy/nginx/nginx.conf sets no worker_connections");
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path errorLog() {
        return dir.resolve("error.log");
    }

    /** The master process (its workers are its children). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The worker processes, which hold the proxied connections. */
    public List<ProcessHandle> workers() {
        return process.toHandle().children().toList();
    }

    /** Established connections of the workers to a local port. */
    public int connectionsTo(int port) {
        return workers().stream()
                .mapToInt(w -> TcpConnections.establishedTo(w.pid(), port))
                .sum();
    }

    private void awaitListening(List<Integer> ports) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int port : ports) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                            + tail(dir.resolve("stdout.log")) + tail(errorLog()));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx does not listen on " + port + ": " + tail(errorLog()));
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The end of a file for an error message, or why it cannot be read. */
    private static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(" + file + ": " + e.getMessage() + ")";
        }
    }
}
