package com.directuschat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What every bench prints first and puts at the top of its report: when it ran, on which commit, on which Java, and
 * every setting that is not a default (the {@code -Dbench.*} properties given, the app's arguments and JVM options).
 */
final class BenchRun {

    private BenchRun() {}

    /**
     * The header as markdown lines; also printed. {@code nonDefaults}: the bench's other non-default settings (the
     * app's arguments, Directus's environment …), one entry each; may be empty.
     */
    static String header(String bench, List<String> nonDefaults) {
        Map<String, String> given = new TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("bench.")) {
                given.put(key, v.toString());
            }
        });
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "Run: %s, commit %s, Java %s (%s, %s), %d cores.%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                commit(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                System.getProperty("java.vendor"),
                Runtime.getRuntime().availableProcessors()));
        out.append("Bench settings given (-D): ")
                .append(given.isEmpty() ? "none, all defaults" : given.toString())
                .append(".\n");
        out.append("Other non-default settings: ")
                .append(nonDefaults.isEmpty() ? "none" : "`" + String.join(" ", nonDefaults) + "`")
                .append(".\n\n");
        System.out.println("[" + bench + "] " + out.toString().strip().replace("\n", "\n[" + bench + "] "));
        return out.toString();
    }

    /** {@code git rev-parse --short HEAD}, with "+changes" when the work tree differs from it; "unknown" outside git. */
    static String commit() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+changes";
    }

    private static String git(String... args) {
        try {
            String[] command = new String[args.length + 1];
            command[0] = "git";
            System.arraycopy(args, 0, command, 1, args.length);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
