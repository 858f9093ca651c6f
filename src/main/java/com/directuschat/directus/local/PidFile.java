package com.directuschat.directus.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pids of a running local Directus, written into its data dir, so that the next start can adopt or stop what
 * a crashed or SIGKILLed JVM left running.
 */
final class PidFile {

    private static final Logger log = LoggerFactory.getLogger(PidFile.class);

    private final Path file;
    private final Path launcherScript;
    private final Path directusCli;
    private final int port;

    PidFile(DataDir dataDir, Path directusCli, int port) {
        this.file = dataDir.path().resolve("directus.pid");
        this.launcherScript = dataDir.launcherScript();
        this.directusCli = directusCli;
        this.port = port;
    }

    void write(Process launcher, ProcessHandle directus) throws IOException {
        Files.writeString(
                file,
                "launcher=" + (launcher == null ? "" : launcher.pid()) + "\n" + "directus=" + directus.pid() + "\nport="
                        + port + "\n");
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Cannot delete {}", file, e);
        }
    }

    /**
     * The Directus of ours left running on our port, if it is {@code healthy}; other leftovers of ours are stopped
     * and the file is deleted.
     */
    Optional<ProcessHandle> adoptOrStop(BooleanSupplier healthy, Duration grace) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        Optional<ProcessHandle> leftover = ours(values.get("directus"));
        Optional<ProcessHandle> leftoverLauncher = ours(values.get("launcher"));
        if (leftover.isPresent() && Integer.toString(port).equals(values.get("port")) && healthy.getAsBoolean()) {
            return leftover;
        }
        leftoverLauncher.ifPresent(p -> ProcessTree.stop(p, grace));
        leftover.ifPresent(p -> {
            log.info("Stopping a leftover Directus (pid {})", p.pid());
            ProcessTree.stop(p, grace);
        });
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    /** The process, if alive and really ours: its command line names our launcher or Directus cli. */
    private Optional<ProcessHandle> ours(String pid) {
        if (pid == null || pid.isBlank()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(pid))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info()
                            .commandLine()
                            .map(cmd -> cmd.contains(launcherScript.toString()) || cmd.contains(directusCli.toString()))
                            .orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
