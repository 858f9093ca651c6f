package com.directuschat.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.opentest4j.TestAbortedException;

/**
 * A machine service that some tests need. Missing, it skips those tests with one loud line on a developer's
 * machine, and fails them where {@code -Dchat.test.require-services=true} is set ({@code .ci/run} sets it), so CI
 * cannot turn green by skipping. Use {@link Requires} on a class or method, or {@link #require()}.
 */
public enum TestService {
    CHROMIUM("Chromium", "at " + Browsers.CHROMIUM + " (apt-get install chromium, or set CHROMIUM_PATH)"),
    POSTGRES("PostgreSQL", "on 127.0.0.1:5432 with user postgres and no password, and psql on the PATH"),
    REDIS("Redis", "on 127.0.0.1:6379 with no password"),
    NGINX("nginx", "at " + Nginx.BINARY + " (apt-get install nginx, or set NGINX_PATH)");

    public static final String REQUIRE_PROPERTY = "chat.test.require-services";

    private final String label;
    private final String where;

    TestService(String label, String where) {
        this.label = label;
        this.where = where;
    }

    public boolean available() {
        return switch (this) {
            case CHROMIUM -> Browsers.available();
            case POSTGRES -> listening(5432) && onPath("psql");
            case REDIS -> listening(6379);
            case NGINX -> Nginx.available();
        };
    }

    /** Returns if available; otherwise skips the test (locally) or fails it (CI). */
    public void require() {
        require(label + " is needed " + where + " but is missing", available(), Boolean.getBoolean(REQUIRE_PROPERTY));
    }

    static void require(String missing, boolean available, boolean strict) {
        if (available) {
            return;
        }
        if (strict) {
            throw new AssertionError(missing + " (-D" + REQUIRE_PROPERTY + "=true: a missing service fails the build)");
        }
        System.err.println("!!!!! SKIPPED: " + missing + "; CI fails here (-D" + REQUIRE_PROPERTY + "=true) !!!!!");
        throw new TestAbortedException(missing);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command)));
    }
}
