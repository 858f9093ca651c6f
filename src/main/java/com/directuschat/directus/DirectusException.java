package com.directuschat.directus;

import org.springframework.modulith.NamedInterface;

/**
 * Directus refused a request or could not be reached. {@link #code()} is Directus's error code
 * ({@code INVALID_CREDENTIALS}, {@code TOKEN_EXPIRED}…), or {@code UNREACHABLE} when no answer came.
 */
@NamedInterface({"rest", "realtime"})
public class DirectusException extends RuntimeException {

    public static final String UNREACHABLE = "UNREACHABLE";

    private final int status;
    private final String code;

    public DirectusException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code == null ? "UNKNOWN" : code;
    }

    public DirectusException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = UNREACHABLE;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean isUnreachable() {
        return UNREACHABLE.equals(code) || status == 502 || status == 503 || status == 504;
    }

    /** The token was refused: expired, invalid, or revoked. */
    public boolean isTokenRefused() {
        return status == 401 || "TOKEN_EXPIRED".equals(code) || "INVALID_TOKEN".equals(code);
    }

    public boolean isForbidden() {
        return status == 403 || "FORBIDDEN".equals(code);
    }
}
