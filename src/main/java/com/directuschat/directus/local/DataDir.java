package com.directuschat.directus.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folder a local Directus runs in and what it keeps there (secret, launcher, bootstrap marker, log), so that
 * deleting or copying the folder is all it takes to start over or to clone an instance.
 */
final class DataDir {

    private final LocalDirectusProperties props;
    private final Path dir;

    DataDir(LocalDirectusProperties props) {
        this.props = props;
        this.dir = props.dataDir().toAbsolutePath().normalize();
    }

    Path path() {
        return dir;
    }

    Path logFile() {
        return dir.resolve("directus.log");
    }

    Path launcherScript() {
        return dir.resolve("launcher.js");
    }

    String url() {
        return "http://127.0.0.1:" + props.port();
    }

    /** Directus wants uploads/, extensions/ and a package.json in its working dir; without them it warns on every start. */
    void prepare() throws IOException {
        Files.createDirectories(dir.resolve("uploads"));
        Files.createDirectories(dir.resolve("extensions"));
        Path packageJson = dir.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"name\":\"directus-chat-local-data\",\"private\":true}\n");
        }
        try (InputStream in = DataDir.class.getResourceAsStream("launcher.js")) {
            if (in == null) {
                throw new IllegalStateException("launcher.js missing from the classpath");
            }
            Files.write(launcherScript(), in.readAllBytes());
        }
    }

    // Bootstrap loads all of Directus (seconds); it is skipped when this data dir was bootstrapped
    // already by the same Directus version for the same database.
    boolean bootstrapDone() throws IOException {
        return Files.exists(bootstrapMarker())
                && Files.readString(bootstrapMarker()).equals(bootstrapKey())
                && (props.db().isPostgres() || Files.exists(dir.resolve("data.db")));
    }

    void markBootstrapped() throws IOException {
        Files.writeString(bootstrapMarker(), bootstrapKey());
    }

    private Path bootstrapMarker() {
        return dir.resolve("bootstrapped");
    }

    private String bootstrapKey() {
        LocalDirectusProperties.Db db = props.db();
        return props.version() + " "
                + (db.isPostgres()
                        ? "pg://" + db.host() + ":" + db.port() + "/" + db.database()
                        : db.client() + ":data.db")
                + "\n"; // relative, so a copied data dir keeps it
    }

    /** Directus' configuration, as environment variables (no .env file: its values would override ours). */
    Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        LocalDirectusProperties.Db db = props.db();
        if (db.isPostgres()) {
            env.put("DB_CLIENT", "pg");
            env.put("DB_HOST", db.host());
            env.put("DB_PORT", Integer.toString(db.port()));
            env.put("DB_DATABASE", db.database());
            env.put("DB_USER", db.user());
            if (db.password() != null) {
                env.put("DB_PASSWORD", db.password());
            }
        } else {
            env.put("DB_CLIENT", db.client());
            env.put("DB_FILENAME", dir.resolve("data.db").toString());
        }
        env.put("SECRET", secret());
        env.put("ADMIN_EMAIL", props.adminEmail());
        env.put("ADMIN_PASSWORD", props.adminPassword());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(props.port()));
        env.put("PUBLIC_URL", url());
        env.put("WEBSOCKETS_ENABLED", "true");
        env.put("WEBSOCKETS_HEARTBEAT_ENABLED", "true");
        env.put("TELEMETRY", "false");
        // Its event-loop pressure limiter answers 503 "Under pressure" on a busy development machine (seen right
        // after start-up at load 12 on 2 cores); a local Directus for one developer has nobody to shed.
        env.put("PRESSURE_LIMITER_ENABLED", "false");
        env.put("LOG_STYLE", "raw");
        env.putAll(props.extraEnv());
        return env;
    }

    /** Generated once per data dir so that tokens survive restarts. */
    private String secret() throws IOException {
        Path file = dir.resolve("secret");
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return Files.readString(file).strip();
    }
}
