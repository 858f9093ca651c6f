package com.directuschat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Established TCP connections owned by the process whose remote port is {@code remotePort}. */
    static int establishedTo(long pid, int remotePort) {
        return com.directuschat.testsupport.TcpConnections.establishedTo(pid, remotePort);
    }
}
