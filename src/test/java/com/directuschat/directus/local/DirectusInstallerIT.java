package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.Processes;
import com.directuschat.testsupport.TestDirectus;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java is all a first start needs: with no node and no npm on the PATH and an empty cache, the installer fetches
 * Node and npm from the registry and installs a Directus that starts. Minutes of download and native builds, so
 * one test.
 */
class DirectusInstallerIT {

    private static final Set<String> NODE_TOOLS = Set.of("node", "nodejs", "npm", "npx", "corepack");

    @TempDir
    Path temp;

    @Test
    void installsDirectusWithNoNodeOrNpmOnThePath() throws Exception {
        Path cache = temp.resolve("cache");
        Path shadows = temp.resolve("bin");
        try {
            installWithoutNode(cache, pathWithoutNode(System.getenv("PATH"), shadows));
        } finally {
            deleteLinks(shadows); // ourselves: @TempDir warns about every link that points outside it
        }
    }

    private void installWithoutNode(Path cache, String path) throws Exception {
        assertThat(run(Map.of("PATH", path), "sh", "-c", "command -v node || command -v npm || echo none"))
                .as("the test's PATH really has no node and no npm")
                .isEqualTo("none");

        ProcessBuilder install = Processes.javaProcess(InstallDirectusMain.class, cache.toString());
        install.environment().put("PATH", path);
        // Settings a parent npm would pass on; NODE_EXTRA_CA_CERTS stays (a TLS-inspecting proxy needs it).
        install.environment().keySet().removeIf(name -> name.startsWith("npm_"));
        Path log = temp.resolve("install-output.log");
        Process process = install.redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(30, TimeUnit.MINUTES);
        String output = Files.readString(log);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("Downloading " + NodePlatform.current().packageName() + " 22.", "Downloading npm 10.");

        String[] installed = output.lines()
                .filter(l -> l.startsWith("INSTALLED "))
                .findFirst()
                .orElseThrow()
                .split(" ");
        DirectusInstallation installation = new DirectusInstallation(Path.of(installed[1]), Path.of(installed[2]));
        assertThat(installation.node()).startsWith(cache);
        assertThat(run(Map.of("PATH", path), installation.node().toString(), "--version"))
                .startsWith("v22.");

        // The native modules were built for this Node: Directus bootstraps its SQLite database and answers.
        try (LocalDirectus directus = new LocalDirectus(TestDirectus.freshProperties(Map.of()), installation)) {
            directus.start();
            assertThat(directus.isHealthy()).isTrue();
        }
    }

    /** PATH with every folder that has a node tool replaced by a copy of its links minus those tools. */
    private static String pathWithoutNode(String path, Path shadows) throws IOException {
        List<String> result = new ArrayList<>();
        int n = 0;
        for (String entry : path.split(File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (NODE_TOOLS.stream().noneMatch(tool -> Files.exists(dir.resolve(tool)))) {
                result.add(entry);
                continue;
            }
            Path shadow = Files.createDirectories(shadows.resolve(Integer.toString(n++)));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (!NODE_TOOLS.contains(file.getFileName().toString())) {
                        Files.createSymbolicLink(shadow.resolve(file.getFileName()), file);
                    }
                }
            }
            result.add(shadow.toString());
        }
        return String.join(File.pathSeparator, result);
    }

    private static void deleteLinks(Path shadows) throws IOException {
        if (!Files.exists(shadows)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(shadows)) {
            for (Path link : (Iterable<Path>) walk.filter(Files::isSymbolicLink)::iterator) {
                Files.delete(link);
            }
        }
    }

    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
