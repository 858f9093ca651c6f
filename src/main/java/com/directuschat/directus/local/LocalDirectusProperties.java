package com.directuschat.directus.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings for the Directus instance that the app runs itself in development
 * (like Spring Boot's docker-compose support). Prefix {@code directus.local}.
 */
@ConfigurationProperties("directus.local")
public record LocalDirectusProperties(
        @DefaultValue("auto") Enabled enabled,
        Path cacheDir,
        @DefaultValue(".directus") Path dataDir,
        @DefaultValue("8055") int port,
        @DefaultValue("12.4.0") String version,
        @DefaultValue("22") String nodeVersion,
        @DefaultValue("10") String npmVersion,
        @DefaultValue("https://registry.npmjs.org/") URI npmRegistry,
        @DefaultValue("120s") Duration startupTimeout,
        @DefaultValue("admin@example.com") String adminEmail,
        @DefaultValue("admin-password") String adminPassword,
        @DefaultValue Db db,
        Map<String, String> extraEnv,
        @DefaultValue("true") boolean seedHistory) {

    public enum Enabled {
        AUTO,
        TRUE,
        FALSE
    }

    /** Database of the local instance: SQLite file in the data dir, or an existing PostgreSQL. */
    public record Db(
            @DefaultValue("sqlite3") String client,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("5432") int port,
            @DefaultValue("directus") String database,
            @DefaultValue("postgres") String user,
            String password) {

        public static Db sqlite() {
            return new Db("sqlite3", "127.0.0.1", 5432, "directus", "postgres", null);
        }

        public static Db postgres(String host, int port, String database, String user, String password) {
            return new Db("pg", host, port, database, user, password);
        }

        @Override
        public String toString() {
            return "Db[client=" + client + ", host=" + host + ", port=" + port + ", database=" + database + "]";
        }

        public boolean isPostgres() {
            return "pg".equals(client) || "postgres".equals(client);
        }
    }

    public LocalDirectusProperties {
        enabled = enabled == null ? Enabled.AUTO : enabled;
        // ${user.home} is resolved here rather than in @DefaultValue, which does not resolve placeholders.
        cacheDir = cacheDir == null ? Path.of(System.getProperty("user.home"), ".cache", "directus-chat") : cacheDir;
        dataDir = dataDir == null ? Path.of(".directus") : dataDir;
        version = version == null ? "12.4.0" : version;
        nodeVersion = nodeVersion == null ? "22" : nodeVersion;
        npmVersion = npmVersion == null ? "10" : npmVersion;
        npmRegistry = npmRegistry == null ? URI.create("https://registry.npmjs.org/") : npmRegistry;
        startupTimeout = startupTimeout == null ? Duration.ofSeconds(120) : startupTimeout;
        adminEmail = adminEmail == null ? "admin@example.com" : adminEmail;
        adminPassword = adminPassword == null ? "admin-password" : adminPassword;
        db = db == null ? Db.sqlite() : db;
        extraEnv = extraEnv == null ? Map.of() : Map.copyOf(extraEnv);
    }

    /** All defaults, as when nothing is configured. */
    public static LocalDirectusProperties defaults() {
        return new LocalDirectusProperties(
                null, null, null, 8055, null, null, null, null, null, null, null, null, null, true);
    }

    public LocalDirectusProperties withPort(int newPort) {
        return new LocalDirectusProperties(
                enabled,
                cacheDir,
                dataDir,
                newPort,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                startupTimeout,
                adminEmail,
                adminPassword,
                db,
                extraEnv,
                seedHistory);
    }

    public LocalDirectusProperties withDataDir(Path newDataDir) {
        return new LocalDirectusProperties(
                enabled,
                cacheDir,
                newDataDir,
                port,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                startupTimeout,
                adminEmail,
                adminPassword,
                db,
                extraEnv,
                seedHistory);
    }

    public LocalDirectusProperties withCacheDir(Path newCacheDir) {
        return new LocalDirectusProperties(
                enabled,
                newCacheDir,
                dataDir,
                port,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                startupTimeout,
                adminEmail,
                adminPassword,
                db,
                extraEnv,
                seedHistory);
    }

    public LocalDirectusProperties withDb(Db newDb) {
        return new LocalDirectusProperties(
                enabled,
                cacheDir,
                dataDir,
                port,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                startupTimeout,
                adminEmail,
                adminPassword,
                newDb,
                extraEnv,
                seedHistory);
    }

    public LocalDirectusProperties withExtraEnv(Map<String, String> newExtraEnv) {
        return new LocalDirectusProperties(
                enabled,
                cacheDir,
                dataDir,
                port,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                startupTimeout,
                adminEmail,
                adminPassword,
                db,
                newExtraEnv,
                seedHistory);
    }

    public LocalDirectusProperties withStartupTimeout(Duration timeout) {
        return new LocalDirectusProperties(
                enabled,
                cacheDir,
                dataDir,
                port,
                version,
                nodeVersion,
                npmVersion,
                npmRegistry,
                timeout,
                adminEmail,
                adminPassword,
                db,
                extraEnv,
                seedHistory);
    }

    @Override
    public String toString() {
        // Never print the admin password (the startup banner is the only place it may appear).
        return "LocalDirectusProperties[enabled=" + enabled + ", cacheDir=" + cacheDir + ", dataDir=" + dataDir
                + ", port=" + port + ", version=" + version + ", db=" + db.client() + "]";
    }
}
