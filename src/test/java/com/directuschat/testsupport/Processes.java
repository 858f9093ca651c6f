package com.directuschat.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds processes for orphan checks (Linux /proc). */
public final class Processes {

    private Processes() {}

    /** Live processes whose command line mentions the text or whose working dir is the given dir. */
    public static List<ProcessHandle> runningIn(Path dir) {
        String abs = dir.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(abs)).orElse(false) || cwdIs(p, abs))
                .toList();
    }

    private static boolean cwdIs(ProcessHandle process, String dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"))
                    .toString()
                    .equals(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A new JVM running {@code mainClass} with this JVM's class path. */
    public static ProcessBuilder javaProcess(Class<?> mainClass, String... args) {
        return javaProcess(mainClass, List.of(), args);
    }

    /** A new JVM with these JVM options running {@code mainClass} with this JVM's class path. */
    public static ProcessBuilder javaProcess(Class<?> mainClass, List<String> jvmArgs, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
