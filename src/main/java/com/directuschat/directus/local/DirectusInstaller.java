package com.directuschat.directus.local;

import java.io.BufferedReader;
import java.io.File;
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
 * Installs Node, npm and Directus into a cache folder, once, with nothing but Java: Node and npm come as tarballs
 * from the npm registry (checksums verified), then that npm installs Directus. The folder gets a marker file as its
 * very last step; a folder without the marker is a half-finished install and is redone.
 */
public final class DirectusInstaller {

    static final String MARKER = ".installed";
    private static final Logger log = LoggerFactory.getLogger(DirectusInstaller.class);
    private static final long PROGRESS_SECONDS = 15;

    private final Path installDir;
    private final NpmRegistry registry;
    private final NodePlatform platform;
    private final String nodeVersion;
    private final String npmVersion;
    private final String appPackage;

    /** Installs {@code appPackage} (e.g. {@code directus@12.4.0}) with Node {@code nodeVersion} and npm {@code npmVersion}. */
    DirectusInstaller(
            Path installDir,
            NpmRegistry registry,
            NodePlatform platform,
            String nodeVersion,
            String npmVersion,
            String appPackage) {
        this.installDir = installDir.toAbsolutePath().normalize();
        this.registry = registry;
        this.platform = platform;
        this.nodeVersion = nodeVersion;
        this.npmVersion = npmVersion;
        this.appPackage = appPackage;
    }

    /** Layout: {@code <cacheDir>/directus-<version>-node<nodeVersion>/{node,npm,app}}. */
    public static DirectusInstaller forProperties(LocalDirectusProperties props) {
        Path dir = props.cacheDir().resolve("directus-" + props.version() + "-node" + props.nodeVersion());
        return new DirectusInstaller(
                dir,
                new NpmRegistry(props.npmRegistry()),
                NodePlatform.current(),
                props.nodeVersion(),
                props.npmVersion(),
                "directus@" + props.version());
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
            throw new LocalDirectusException(
                    "Directus install at " + installDir + " has no " + cli + "; delete that folder to reinstall");
        }
        return new DirectusInstallation(platform.binary(nodeDist()), cli);
    }

    /** Runs the install unless the marker is there; a folder without marker is wiped first. */
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
        log.info(
                "Installing Node {}, npm {} and {} into {}; a first install takes several minutes",
                nodeVersion,
                npmVersion,
                appPackage,
                installDir);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "directus-install-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(
                () -> log.info("Still installing… {}s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)),
                PROGRESS_SECONDS,
                PROGRESS_SECONDS,
                TimeUnit.SECONDS);
        List<String> installed = new ArrayList<>();
        try (Writer out = Files.newBufferedWriter(installLog, StandardCharsets.UTF_8)) {
            installed.add(fetch(platform.packageName(), nodeVersion, "node", out));
            installed.add(fetch("npm", npmVersion, "npm", out));
            npmInstall(out);
            installed.add(appPackage);
        } finally {
            ticker.shutdownNow();
        }
        Files.writeString(installDir.resolve(MARKER), String.join("\n", installed) + "\n");
        log.info("Installed into {} in {}s", installDir, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    /** Downloads, verifies and unpacks one package into sub-folder {@code dir}; returns name@version. */
    private String fetch(String name, String versionSpec, String dir, Writer out) throws IOException {
        NpmRegistry.Tarball tarball = registry.resolve(name, versionSpec);
        log.info("Downloading {} {} from {}", name, tarball.version(), tarball.url());
        out.write("$ fetch " + tarball.url() + " (" + tarball.integrity() + ") into " + dir + "\n");
        out.flush();
        Path file = registry.download(tarball, installDir);
        NpmRegistry.unpack(file, installDir.resolve(dir));
        Files.delete(file);
        return name + "@" + tarball.version();
    }

    /** {@code npm install <appPackage>} in app/, run by the fetched Node and npm from the same registry. */
    private void npmInstall(Writer out) throws IOException {
        Path dir = installDir.resolve("app");
        Files.createDirectories(dir);
        Path packageJson = dir.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"name\":\"directus-chat-local-app\",\"private\":true}\n");
        }
        Path dist = nodeDist();
        List<String> command = List.of(
                platform.binary(dist).toString(),
                installDir.resolve("npm/bin/npm-cli.js").toString(),
                "install",
                "--no-audit",
                "--no-fund",
                "--no-update-notifier",
                "--loglevel=error",
                "--registry=" + registry.uri(),
                appPackage);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // Install scripts run `node` from PATH, and native modules (sqlite3, argon2, isolated-vm) must be compiled
        // against this Node's headers, never a system Node's.
        String path = pb.environment().getOrDefault("PATH", "");
        pb.environment().put("PATH", dist.resolve("bin") + File.pathSeparator + path);
        pb.environment().put("npm_config_nodedir", dist.toString());
        out.write("$ " + String.join(" ", command) + " (in " + dir + ")\n");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LocalDirectusException(
                    "Cannot run the downloaded Node " + platform.binary(dist) + " (" + e.getMessage() + "); delete "
                            + installDir + " to download it again",
                    e);
        }
        List<String> errors = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
                String detail = errors.isEmpty()
                        ? LogTail.of(installDir.resolve("install.log"), 20)
                        : String.join(" | ", errors.subList(Math.max(0, errors.size() - 20), errors.size()));
                throw new LocalDirectusException("npm install " + appPackage + " failed (exit " + exit + "); see "
                        + installDir.resolve("install.log") + ": " + detail + hint(detail));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalDirectusException("Install of " + appPackage + " interrupted", e);
        } finally {
            if (process.isAlive()) {
                ProcessTree.kill(process.toHandle());
            }
        }
    }

    /** The unpacked Node package (bin/node and the include/node headers). */
    private Path nodeDist() {
        Path dist = installDir.resolve("node");
        if (Files.isExecutable(platform.binary(dist))) {
            return dist;
        }
        // Installs made before Node came from the registry directly: inside the node@ npm package's dependency.
        Path parent = installDir.resolve("node/node_modules/node/node_modules");
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(p ->
                            p.getFileName().toString().startsWith("node-") && Files.isExecutable(platform.binary(p)))
                    .findFirst()
                    .orElseThrow(() -> new LocalDirectusException(
                            "No Node found in " + dist + "; delete " + installDir + " to reinstall"));
        } catch (IOException e) {
            throw new LocalDirectusException(
                    "No Node found in " + dist + "; delete " + installDir + " to reinstall", e);
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

    /** What to do about the npm errors that have a known cause; empty otherwise. */
    static String hint(String npmErrors) {
        if (npmErrors.contains("gyp")) {
            return " (building native modules needs python3, make and a C++ compiler on the PATH)";
        }
        if (npmErrors.contains("CERT") || npmErrors.contains("certificate")) {
            return " (npm does not trust the registry's TLS certificate; behind a TLS-inspecting proxy, set"
                    + " NODE_EXTRA_CA_CERTS to a CA bundle that holds its certificate, e.g."
                    + " /etc/ssl/certs/ca-certificates.crt)";
        }
        return "";
    }
}
