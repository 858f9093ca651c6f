package com.directuschat.web;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11NioProtocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Smaller per-request buffers. Tomcat keeps a processor with its buffers for every request in flight, and every
 * open SSE stream is one: with the defaults that is about 88 KiB of heap per open tab. Requests are small form
 * posts and GETs (headers keep their default 8 KiB limit), responses are pages and events of at most ~10 KiB,
 * which pass through smaller buffers in more writes.
 */
@Component
class TomcatBuffers implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    static final int SOCKET_BUFFER = 4096;
    static final int RESPONSE_BUFFER = 4096;
    /** Browsers send no request trailers; Tomcat allocates this buffer per request whether or not. */
    static final int MAX_TRAILER_SIZE = 1024;

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setProtocol(Protocol.class.getName());
        factory.addConnectorCustomizers(TomcatBuffers::customize);
    }

    static void customize(Connector connector) {
        connector.setProperty("socket.appReadBufSize", Integer.toString(SOCKET_BUFFER));
        connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_BUFFER));
        if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
            http.setMaxTrailerSize(MAX_TRAILER_SIZE);
        }
    }

    /**
     * Tomcat's NIO HTTP/1.1 with a smaller servlet response buffer: Tomcat sizes it (8 KiB of bytes plus 8 Ki
     * chars) from this method only, with no setting. A larger body is flushed as it goes, as before past 8 KiB.
     */
    public static class Protocol extends Http11NioProtocol {

        @Override
        public int getDesiredBufferSize() {
            return RESPONSE_BUFFER;
        }
    }
}
