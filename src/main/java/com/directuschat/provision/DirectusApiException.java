package com.directuschat.provision;

/** Directus answered with an error; {@link #code()} is its {@code extensions.code}, e.g. RESOURCE_RESTRICTED. */
public class DirectusApiException extends RuntimeException {

    private final int status;
    private final String code;

    public DirectusApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
