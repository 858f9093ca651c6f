package com.directuschat.auth;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;

/**
 * Seals a login's token pair before it goes to Redis, so that whoever reads Redis (a dump, a backup, a replica, its
 * AOF file) gets no working Directus session: AES-256-GCM (Spring Security's {@link AesBytesEncryptor}) with a random
 * nonce per entry, and the login id sealed in with the pair. An entry that was altered, copied under another login's
 * id, or sealed with another key does not open, and its login counts as ended.
 * <p>
 * The key is {@code chat.login.token-key}, 32 bytes in base64, the same on every instance that shares the Redis.
 * Unset, a run from the source tree makes one up (its logins end with the process), and anything else refuses to
 * start: instances with keys of their own would each see the others' logins as ended.
 */
final class TokenCipher {

    static final String PROPERTY = "chat.login.token-key";

    private static final Logger log = LoggerFactory.getLogger(TokenCipher.class);
    private static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    /** The default of docker-compose.yml, "change-me-change-me-change-me-32": usable, and known to everyone. */
    private static final byte[] PLACEHOLDER = "change-me-change-me-change-me-32".getBytes(StandardCharsets.US_ASCII);

    private final BytesEncryptor aes;

    TokenCipher(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new KeyProblem(
                    PROPERTY + " is " + key.length + " bytes long; it must be " + KEY_BYTES + " (256 bits), in base64");
        }
        this.aes = new AesBytesEncryptor(
                new SecretKeySpec(key, "AES"),
                KeyGenerators.secureRandom(NONCE_BYTES),
                AesBytesEncryptor.CipherAlgorithm.GCM);
    }

    /**
     * The configured key; unset, a random one on a run from the source tree ({@code localRun}), else a
     * {@link KeyProblem}.
     */
    static TokenCipher fromConfiguration(String base64Key, boolean localRun) {
        if (base64Key == null || base64Key.isBlank()) {
            if (!localRun) {
                throw new KeyProblem(PROPERTY + " is not set. With Redis, the logins' Directus tokens are stored"
                        + " there encrypted with this key, and every instance sharing the Redis needs the same one");
            }
            log.warn(
                    "{} is not set: logins are encrypted in Redis with a key made up for this run, so they end when"
                            + " it stops and do not work on other instances. Set it (e.g. openssl rand -base64 32).",
                    PROPERTY);
            return new TokenCipher(KeyGenerators.secureRandom(KEY_BYTES).generateKey());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new KeyProblem(PROPERTY + " is not base64: " + e.getMessage());
        }
        if (Arrays.equals(key, PLACEHOLDER)) {
            log.warn(
                    "{} is the placeholder of docker-compose.yml, which anyone can read: set a key of your own",
                    PROPERTY);
        }
        return new TokenCipher(key);
    }

    /** Whether this class was loaded from a Maven build's classes directory (IDE, spring-boot:run, tests). */
    static boolean runsFromSourceTree() {
        CodeSource source = TokenCipher.class.getProtectionDomain().getCodeSource();
        if (source == null
                || source.getLocation() == null
                || !"file".equals(source.getLocation().getProtocol())) {
            return false;
        }
        try {
            Path classes = Path.of(source.getLocation().toURI());
            Path parent = classes.getParent();
            // Not just any directory: an image runs the extracted jar from BOOT-INF/classes.
            return Files.isDirectory(classes)
                    && classes.endsWith("classes")
                    && parent != null
                    && parent.endsWith("target");
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    String seal(String loginId, String plain) {
        byte[] sealed = aes.encrypt((loginId + "\n" + plain).getBytes(StandardCharsets.UTF_8));
        return VERSION + Base64.getEncoder().encodeToString(sealed);
    }

    /** The plain text sealed for this login id, or null when the value does not open as one. */
    String open(String loginId, String sealed) {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            return null;
        }
        String text;
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
            if (bytes.length <= NONCE_BYTES) {
                return null;
            }
            text = new String(aes.decrypt(bytes), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Not base64, or the tag did not match: altered, or sealed with another key.
            return null;
        }
        String prefix = loginId + "\n";
        return text.startsWith(prefix) ? text.substring(prefix.length()) : null;
    }

    /** {@code chat.login.token-key} is missing or unusable; the app does not start (see the failure analyzer). */
    static final class KeyProblem extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        KeyProblem(String message) {
            super(message);
        }
    }
}
