package com.directuschat.directus.local;

/** A failure of the local Directus (install, start, port): the message is one line meant for the console. */
public class LocalDirectusException extends RuntimeException {

    public LocalDirectusException(String message) {
        super(message);
    }

    public LocalDirectusException(String message, Throwable cause) {
        super(message, cause);
    }
}
