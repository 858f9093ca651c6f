package com.directuschat.provision;

/** Provisioning cannot go on; the message is one line for the console. */
public class ProvisionException extends RuntimeException {

    public ProvisionException(String message) {
        super(message);
    }

    public ProvisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
