package com.directuschat.directus;

/**
 * Node (Directus) closes an idle keep-alive connection after 5 s; a request the JDK client writes onto it just
 * then fails, possibly after Directus read it. So pooled connections must be dropped before Node drops them.
 * The JDK reads {@value #PROPERTY} (seconds) once, when the first {@code HttpClient} of the JVM is built:
 * {@link #apply()} must run before that, which is why {@code main} calls it first (and the pom sets it for tests).
 */
public final class KeepAlive {

    static final String PROPERTY = "jdk.httpclient.keepalive.timeout";
    static final String SECONDS = "3";

    private KeepAlive() {}

    /** Sets the JDK client's pool timeout, unless the operator set one. */
    public static void apply() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, SECONDS);
        }
    }
}
