package com.directuschat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Resource figures of another process, from Linux /proc and jcmd. */
final class ProcStats {

    private static final double TICKS_PER_SECOND = 100.0; // getconf CLK_TCK on Linux x86-64 and arm64

    private ProcStats() {}

    /** User + system CPU seconds of the process and its live descendants. */
    static double cpuSeconds(ProcessHandle root) {
        double total = cpuSeconds(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            total += cpuSeconds(child.pid());
        }
        return total;
    }

    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException e) {
            return 0; // exited meanwhile
        }
    }

    /** A line of /proc/PID/status such as VmRSS (in kB) or Threads, as a number. */
    static long status(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(
                            line.substring(key.length() + 1).replace("kB", "").strip());
                }
            }
            throw new IllegalStateException("no " + key + " in /proc/" + pid + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    /** Heap used right after a full GC, in KiB ({@code jcmd PID GC.run}, then {@code GC.heap_info}). */
    static long heapAfterFullGcKb(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("cannot read GC.heap_info: " + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Live threads of the process by name with digits replaced by #, from /proc (names cut at 15 characters). */
    static Map<String, Integer> threadsByName(long pid) {
        Map<String, Integer> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    byName.merge(
                            Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return byName;
    }

    /**
     * Samples the thread count of a process (/proc/PID/status, {@code Threads}) every {@code every} on a daemon
     * thread of its own, until closed: the peak and the last sample.
     */
    static final class ThreadSampler implements AutoCloseable {
        private final long pid;
        private final Thread thread;
        private volatile long peak;
        private volatile long last;
        private volatile boolean stopped;

        ThreadSampler(long pid, java.time.Duration every) {
            this.pid = pid;
            sample();
            this.thread = new Thread(
                    () -> {
                        while (!stopped) {
                            java.util.concurrent.locks.LockSupport.parkNanos(every.toNanos());
                            sample();
                        }
                    },
                    "thread-sampler-" + pid);
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            try {
                long now = status(pid, "Threads");
                last = now;
                peak = Math.max(peak, now);
            } catch (RuntimeException ended) {
                stopped = true;
            }
        }

        /** The most threads seen since the start or the last {@link #resetPeak}. */
        long peak() {
            return peak;
        }

        /** Threads now. */
        long now() {
            sample();
            return last;
        }

        void resetPeak() {
            peak = last;
        }

        @Override
        public void close() {
            stopped = true;
        }
    }

    /** Established TCP connections owned by the process whose remote port is {@code remotePort}. */
    static int establishedTo(long pid, int remotePort) {
        return com.directuschat.testsupport.TcpConnections.establishedTo(pid, remotePort);
    }
}
