package com.directuschat.directus.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches package tarballs from an npm registry over plain HTTP and checks each against the registry's integrity
 * hash, so that getting Node and npm needs neither (as frontend-maven-plugin does for builds).
 */
final class NpmRegistry {

    /** One published version of a package: where its tarball is and what it must hash to. */
    record Tarball(String name, String version, URI url, String integrity, String shasum) {

        String fileName() {
            return name + "-" + version + ".tgz";
        }
    }

    private static final String HOW_TO_FIX = "check the network or proxy (-Dhttps.proxyHost=…), point"
            + " directus.local.npm-registry at a reachable mirror, or set directus.url to a Directus you run yourself";

    private final URI registry;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .proxy(ProxySelector.getDefault())
            .connectTimeout(Duration.ofSeconds(20))
            .build();
    private final JsonMapper json = JsonMapper.builder().build();

    NpmRegistry(URI registry) {
        String base = registry.toString();
        this.registry = URI.create(base.endsWith("/") ? base : base + "/");
    }

    URI uri() {
        return registry;
    }

    /** The newest version of {@code name} that is {@code versionSpec} or starts with it ("22" → 22.x.y); no pre-releases. */
    Tarball resolve(String name, String versionSpec) {
        URI url = registry.resolve(name);
        JsonNode versions = metadata(name, url).path("versions");
        String version = StreamSupport.stream(versions.propertyNames().spliterator(), false)
                .filter(v -> matches(versionSpec, v))
                .max(Comparator.comparing(NpmRegistry::numeric, NpmRegistry::compareNumeric))
                .orElseThrow(() -> new LocalDirectusException("The npm registry " + registry + " has no " + name
                        + " version matching " + versionSpec + "; pick another version (directus.local.node-version,"
                        + " directus.local.npm-version) or another registry (directus.local.npm-registry)"));
        JsonNode dist = versions.path(version).path("dist");
        return new Tarball(
                name,
                version,
                URI.create(dist.path("tarball").asString()),
                dist.path("integrity").asString(null),
                dist.path("shasum").asString(null));
    }

    /** Downloads the tarball into {@code dir} and returns the file, verified; a file that fails the check is deleted. */
    Path download(Tarball tarball, Path dir) {
        Path file = dir.resolve(tarball.fileName());
        try {
            HttpResponse<Path> response = http.send(
                    HttpRequest.newBuilder(tarball.url())
                            .timeout(Duration.ofMinutes(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(file));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(file);
                throw new LocalDirectusException(
                        "Download of " + tarball.url() + " failed (HTTP " + response.statusCode() + "); " + HOW_TO_FIX);
            }
            verify(file, tarball);
            return file;
        } catch (IOException e) {
            throw new LocalDirectusException("Download of " + tarball.url() + " failed (" + e + "); " + HOW_TO_FIX, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalDirectusException("Download of " + tarball.url() + " interrupted", e);
        }
    }

    /** Checks the file against the registry's sha512 integrity (or its sha1 shasum for old packages); deletes it if it fails. */
    static void verify(Path file, Tarball tarball) throws IOException {
        String expected;
        String actual;
        if (tarball.integrity() != null && tarball.integrity().startsWith("sha512-")) {
            expected = tarball.integrity();
            actual = "sha512-" + Base64.getEncoder().encodeToString(digest(file, "SHA-512"));
        } else if (tarball.shasum() != null && !tarball.shasum().isBlank()) {
            expected = tarball.shasum().toLowerCase();
            actual = HexFormat.of().formatHex(digest(file, "SHA-1"));
        } else {
            Files.deleteIfExists(file);
            throw new LocalDirectusException("The npm registry gives no sha512 integrity or shasum for " + tarball.url()
                    + ", so it cannot be verified; use a registry that does (directus.local.npm-registry)");
        }
        if (!expected.equals(actual)) {
            Files.deleteIfExists(file);
            throw new LocalDirectusException("Checksum mismatch for " + tarball.url() + ": the registry says "
                    + expected
                    + ", the download has " + actual + "; the download was corrupted or altered on the way (retry, or "
                    + HOW_TO_FIX + ")");
        }
    }

    /** Unpacks an npm tarball into {@code target}, without its top folder ({@code package/}), keeping executable bits. */
    static void unpack(Path tgz, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try (InputStream in = Files.newInputStream(tgz);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1 || !(entry.isFile() || entry.isDirectory())) {
                    continue; // the top folder itself; npm tarballs have no links or devices
                }
                Path out = root.resolve(name.substring(slash + 1)).normalize();
                if (!out.startsWith(root)) {
                    throw new LocalDirectusException("Tarball " + tgz + " has an entry outside its folder: " + name);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                if ((entry.getMode() & 0111) != 0 && supportsPosix(out)) {
                    Set<PosixFilePermission> permissions = PosixFilePermissions.fromString("rwxr-xr-x");
                    Files.setPosixFilePermissions(out, permissions);
                }
            }
        }
    }

    static boolean matches(String spec, String version) {
        return !version.contains("-")
                && !version.contains("+")
                && (version.equals(spec) || version.startsWith(spec + "."));
    }

    private JsonNode metadata(String name, URI url) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                throw new LocalDirectusException("The npm registry " + registry + " has no package " + name
                        + " (HTTP 404); if your platform has no Node package there, set directus.url to a Directus you"
                        + " run yourself");
            }
            if (response.statusCode() != 200) {
                throw new LocalDirectusException(
                        "The npm registry answered HTTP " + response.statusCode() + " for " + url + "; " + HOW_TO_FIX);
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new LocalDirectusException(
                    "Cannot reach the npm registry at " + url + " (" + e + "); " + HOW_TO_FIX, e);
        } catch (JacksonException e) {
            throw new LocalDirectusException(
                    "The npm registry sent unreadable metadata for " + url + "; " + HOW_TO_FIX, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalDirectusException("Interrupted while asking the npm registry for " + name, e);
        }
    }

    private static byte[] digest(Path file, String algorithm) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    private static int[] numeric(String version) {
        return java.util.Arrays.stream(version.split("\\."))
                .mapToInt(NpmRegistry::parseOrZero)
                .toArray();
    }

    private static int parseOrZero(String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int compareNumeric(int[] a, int[] b) {
        return java.util.Arrays.compare(a, b);
    }

    private static boolean supportsPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
