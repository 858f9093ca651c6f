package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.Processes;
import com.directuschat.testsupport.TestDirectus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalDirectusFaultsIT {

    @Test
    void portInUseByAnotherProcessFailsFast() throws Exception {
        LocalDirectusProperties props = TestDirectus.freshProperties(Map.of());
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), props.port()));
            LocalDirectus directus = new LocalDirectus(props, TestDirectus.installation());

            assertThatThrownBy(directus::start)
                    .isInstanceOf(LocalDirectusException.class)
                    .hasMessage("port " + props.port() + " is in use by another process;"
                            + " set directus.local.port or DIRECTUS_LOCAL_PORT");
            assertThat(Processes.runningIn(props.dataDir())).isEmpty();
        }
    }

    @Test
    void directusExitingDuringStartupGivesOneLineWithTheLogTail() {
        LocalDirectusProperties props = TestDirectus.freshProperties(Map.of())
                .withDb(new LocalDirectusProperties.Db("no-such-db-client", null, 0, null, null, null));
        LocalDirectus directus = new LocalDirectus(props, TestDirectus.installation());

        assertThatThrownBy(directus::start)
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Directus bootstrap failed (exit")
                .hasMessageContaining("directus.log ends:")
                .hasMessageNotContaining("\n");
        assertThat(Processes.runningIn(props.dataDir())).isEmpty();
    }

    @Test
    void directusExitingAfterBootstrapGivesOneLineWithTheLogTail() {
        // Bootstrap is skipped (the seeded data dir is bootstrapped already); start cannot open its database.
        LocalDirectusProperties props =
                TestDirectus.seededProperties(Map.of("DB_FILENAME", "/nonexistent/dir/data.db"));
        LocalDirectus directus = new LocalDirectus(props, TestDirectus.installation());

        assertThatThrownBy(directus::start)
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Directus exited during startup")
                .hasMessageContaining("directus.log ends:")
                .hasMessageNotContaining("\n");
        assertThat(Processes.runningIn(props.dataDir())).isEmpty();
    }

    @Test
    void startupTimeoutStopsDirectusAndSaysSo() {
        LocalDirectusProperties props =
                TestDirectus.seededProperties(Map.of()).withStartupTimeout(Duration.ofMillis(500));
        LocalDirectus directus = new LocalDirectus(props, TestDirectus.installation());

        assertThatThrownBy(directus::start)
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Directus did not answer " + directus.url() + "/server/ping within 0s")
                .hasMessageNotContaining("\n");
        assertThat(Processes.runningIn(props.dataDir())).isEmpty();
    }

    @Test
    void halfFinishedInstallIsRedoneAndAFinishedOneReused(@org.junit.jupiter.api.io.TempDir Path cache)
            throws Exception {
        Path dir = cache.resolve("tiny");
        Files.createDirectories(dir.resolve("app/node_modules/half-written"));
        DirectusInstaller installer = installer(dir, "is-number@7.0.0");

        installer.ensureInstalled();

        assertThat(dir.resolve(DirectusInstaller.MARKER)).exists();
        assertThat(dir.resolve("app/node_modules/is-number/package.json")).exists();
        assertThat(dir.resolve("app/node_modules/half-written")).doesNotExist();

        Path sentinel = Files.createFile(dir.resolve("app/kept"));
        installer.ensureInstalled();
        assertThat(sentinel).exists(); // reused, not reinstalled
    }

    @Test
    void failingNpmInstallGivesOneClearLineAndNoMarker(@org.junit.jupiter.api.io.TempDir Path cache) {
        Path dir = cache.resolve("broken");
        DirectusInstaller installer = installer(dir, "is-number@999.999.999");

        assertThatThrownBy(installer::ensureInstalled)
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("npm install is-number@999.999.999 failed")
                .hasMessageNotContaining("\n");
        assertThat(dir.resolve(DirectusInstaller.MARKER)).doesNotExist();
    }

    @Test
    void directusOfAKilledJvmGoesAway() throws Exception {
        LocalDirectusProperties props = TestDirectus.seededProperties(Map.of());
        Process jvm = Processes.javaProcess(
                        LeftoverDirectusMain.class, props.dataDir().toString(), Integer.toString(props.port()))
                .start();
        try {
            long directusPid = awaitReady(jvm);
            assertThat(ProcessHandle.of(directusPid)).isPresent();

            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Processes.runningIn(props.dataDir()).isEmpty());
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void orphanedDirectusIsReusedByTheNextStart() throws Exception {
        LocalDirectusProperties props = TestDirectus.seededProperties(Map.of());
        LocalDirectus first = new LocalDirectus(props, TestDirectus.installation());
        first.start();
        long directusPid = first.process().orElseThrow().pid();
        // SIGKILL only the launcher: Directus is orphaned, as after `kill -9` of the launcher.
        ProcessHandle launcher =
                ProcessHandle.of(directusPid).flatMap(ProcessHandle::parent).orElseThrow();
        launcher.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !launcher.isAlive());
        assertThat(ProcessHandle.of(directusPid).map(ProcessHandle::isAlive)).contains(true);

        LocalDirectus second = new LocalDirectus(props, TestDirectus.installation());
        second.start();
        try {
            assertThat(second.process().orElseThrow().pid()).isEqualTo(directusPid);
            assertThat(second.isHealthy()).isTrue();
        } finally {
            second.stop();
        }
        assertThat(Processes.runningIn(props.dataDir())).isEmpty();
    }

    /** Node and npm as the app gets them, with a tiny package in place of Directus. */
    private static DirectusInstaller installer(Path dir, String appPackage) {
        LocalDirectusProperties defaults = LocalDirectusProperties.defaults();
        return new DirectusInstaller(
                dir,
                new NpmRegistry(defaults.npmRegistry()),
                NodePlatform.current(),
                defaults.nodeVersion(),
                defaults.npmVersion(),
                appPackage);
    }

    private static long awaitReady(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return Long.parseLong(line.substring(6).strip());
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("child JVM ended before Directus was ready:\n" + seen);
    }
}
