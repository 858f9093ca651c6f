package com.directuschat.directus.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process together with all its descendants, so nothing is left running. */
final class ProcessTree {

    private ProcessTree() {}

    /** SIGKILL the process and every descendant. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> all = snapshot(root);
        all.forEach(ProcessHandle::destroyForcibly);
        awaitExit(all, Duration.ofSeconds(5));
    }

    /** SIGTERM the tree, then SIGKILL whatever is still alive after the grace period. */
    static void stop(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = snapshot(root);
        all.forEach(ProcessHandle::destroy);
        if (!awaitExit(all, grace)) {
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            awaitExit(all, Duration.ofSeconds(5));
        }
    }

    static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : handles) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0) {
                    return handles.stream().noneMatch(ProcessHandle::isAlive);
                }
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                // timeout: checked below
            }
        }
        return handles.stream().noneMatch(ProcessHandle::isAlive);
    }

    // Descendants are collected before any signal: once a parent dies its children are re-parented and lost.
    private static List<ProcessHandle> snapshot(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        return all;
    }
}
