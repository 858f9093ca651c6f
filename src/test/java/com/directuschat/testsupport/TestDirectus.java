package com.directuschat.testsupport;

import com.directuschat.directus.local.DirectusInstallation;
import com.directuschat.directus.local.DirectusInstaller;
import com.directuschat.directus.local.LocalDirectus;
import com.directuschat.directus.local.LocalDirectusProperties;
import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.provision.DirectusProvisioner.ChatAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Directus instances for tests. A bootstrapped and provisioned SQLite template is built once per
 * test JVM under target/directus-template; every instance starts from a copy of it in its own
 * data dir under target/directus-instances/N, on a free port.
 */
public final class TestDirectus {

    public static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path TEMPLATE = TARGET.resolve("directus-template");
    private static final Path INSTANCES = TARGET.resolve("directus-instances");
    private static final List<String> TEMPLATE_FILES = List.of("data.db", "secret", "bootstrapped");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static DirectusInstallation installation;
    private static boolean templateReady;
    private static DirectusInstance shared;

    private TestDirectus() {}

    /** The instance shared by all tests of this JVM: do not kill, restart or reconfigure it. */
    public static synchronized DirectusInstance shared() {
        if (shared == null) {
            shared = start(Map.of());
            DirectusInstance instance = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "shared-directus-stop"));
        }
        return shared;
    }

    /** A fresh instance of your own, e.g. with {@code ACCESS_TOKEN_TTL=5s}; close it when done. */
    public static DirectusInstance dedicated(Map<String, String> extraEnv) {
        return start(extraEnv);
    }

    /**
     * A dedicated instance for one Spring test class: the app under test talks to it (through its proxy when
     * {@code proxied}) and never starts its own. Call from a {@code @DynamicPropertySource} method.
     */
    public static DirectusInstance dedicatedFor(
            org.springframework.test.context.DynamicPropertyRegistry registry,
            Map<String, String> extraEnv,
            boolean proxied) {
        DirectusInstance instance = dedicated(extraEnv);
        registry.add("directus.url", proxied ? instance::proxiedUrl : instance::url);
        registry.add("directus.local.enabled", () -> "false");
        return instance;
    }

    /** Properties for a new instance in a new data dir on a free port, not started, not seeded. */
    public static LocalDirectusProperties freshProperties(Map<String, String> extraEnv) {
        Path dataDir = INSTANCES.resolve(Integer.toString(COUNTER.incrementAndGet()) + "-"
                + ProcessHandle.current().pid());
        return LocalDirectusProperties.defaults()
                .withPort(freePort())
                .withDataDir(dataDir)
                .withExtraEnv(extraEnv)
                .withStartupTimeout(Duration.ofSeconds(120));
    }

    public static synchronized DirectusInstallation installation() {
        if (installation == null) {
            installation = DirectusInstaller.forProperties(LocalDirectusProperties.defaults())
                    .ensureDirectus();
        }
        return installation;
    }

    public static String adminToken() {
        return shared().adminToken();
    }

    public static String loginToken(String email, String password) {
        return loginToken(shared().url(), email, password);
    }

    public static String loginToken(String url, String email, String password) {
        return DirectusAdminClient.accessToken(url, email, password);
    }

    public static DirectusAdminClient adminClient(String url) {
        return DirectusAdminClient.login(url, TestUsers.ADMIN_EMAIL, TestUsers.ADMIN_PASSWORD);
    }

    /** Properties for a new instance whose data dir already holds a copy of the template. */
    public static LocalDirectusProperties seededProperties(Map<String, String> extraEnv) {
        ensureTemplate();
        LocalDirectusProperties props = freshProperties(extraEnv);
        copyTemplate(props.dataDir());
        return props;
    }

    private static DirectusInstance start(Map<String, String> extraEnv) {
        LocalDirectusProperties props = seededProperties(extraEnv);
        LocalDirectus directus = new LocalDirectus(props, installation());
        directus.start();
        return new DirectusInstance(directus);
    }

    private static synchronized void ensureTemplate() {
        if (templateReady) {
            return;
        }
        long started = System.nanoTime();
        deleteDataDirsOfDeadJvms();
        LocalDirectusProperties props = freshProperties(Map.of());
        try (LocalDirectus directus = new LocalDirectus(props, installation())) {
            directus.start();
            DirectusProvisioner provisioner = new DirectusProvisioner(adminClient(directus.url()));
            ChatAccess access = provisioner.provisionWithDemoUsers();
            // A few per request: each costs Directus a password hash, and twenty in one request outlast the
            // client's 30 s timeout on a loaded machine.
            List<ChatUser> numbered = TestUsers.numberedUsers();
            for (int from = 0; from < numbered.size(); from += 4) {
                provisioner.ensureUsers(numbered.subList(from, Math.min(from + 4, numbered.size())), access.roleId());
            }
            String noAccessPolicy = provisioner.ensurePolicy("No chat access", List.of());
            provisioner.ensureUser(TestUsers.noAccessUser(), provisioner.ensureRole("No chat access", noAccessPolicy));
        }
        deleteRecursively(TEMPLATE);
        try {
            Files.createDirectories(TEMPLATE);
            for (String name : TEMPLATE_FILES) {
                Files.copy(props.dataDir().resolve(name), TEMPLATE.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteRecursively(props.dataDir());
        templateReady = true;
        System.out.printf("Directus test template built in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    // Data dirs are named N-<pid of the test JVM>; those of finished runs are just disk usage.
    private static void deleteDataDirsOfDeadJvms() {
        if (!Files.isDirectory(INSTANCES)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(INSTANCES)) {
            dirs.filter(dir -> {
                        String name = dir.getFileName().toString();
                        String pid = name.substring(name.indexOf('-') + 1);
                        return !pid.matches("\\d+")
                                || ProcessHandle.of(Long.parseLong(pid)).isEmpty();
                    })
                    .forEach(TestDirectus::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTemplate(Path dataDir) {
        try {
            deleteRecursively(dataDir);
            Files.createDirectories(dataDir);
            for (String name : TEMPLATE_FILES) {
                Files.copy(TEMPLATE.resolve(name), dataDir.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
