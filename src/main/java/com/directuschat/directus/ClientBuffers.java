package com.directuschat.directus;

import java.util.Map;

/**
 * Buffer sizes of the JDK HTTP client. Its defaults (16 KiB each) cost every idle realtime socket three 16 KiB
 * heap buffers: the read buffer ({@code jdk.httpclient.bufsize}, read once when the JDK client classes load),
 * the WebSocket write buffer and the text encoding buffer (both read per socket). Our frames are small (auth,
 * subscribe, ping, id events); anything larger is still read and written whole, in more chunks, and an outgoing
 * text larger than the encoding buffer goes out as continuation frames. {@link #apply()} must run before the
 * first {@code HttpClient} is built, which is why {@code main} calls it first (and the pom sets them for tests).
 */
public final class ClientBuffers {

    static final Map<String, String> PROPERTIES = Map.of(
            "jdk.httpclient.bufsize", "4096",
            "jdk.httpclient.websocket.writeBufferSize", "1024",
            "jdk.httpclient.websocket.intermediateBufferSize", "1024");

    private ClientBuffers() {}

    /** Sets the sizes, except those the operator set. */
    public static void apply() {
        PROPERTIES.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
