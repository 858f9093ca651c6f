package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What DirectusClient repeats after a broken connection, against a local server that counts requests. */
class DirectusClientRetryTest {

    private final FakeServer server = new FakeServer();
    private final DirectusClient client =
            DirectusClient.of(URI.create("http://127.0.0.1:" + server.port()), Duration.ofSeconds(10));
    private final AccessTokenSource tokens = new AccessTokenSource() {
        @Override
        public String accessToken() {
            return "token";
        }

        @Override
        public String refreshAfterRejection(String rejected) {
            return "token";
        }

        @Override
        public Instant renewAt() {
            return Instant.MAX;
        }
    };

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aPostThatMayHaveReachedDirectusIsNeverSentTwice() {
        server.resetAfterReading = true;
        assertThatThrownBy(
                        () -> client.createMessage(tokens, new ChatRoom(1, "general", "General", null, true), "hello"))
                .isInstanceOf(DirectusException.class)
                .satisfies(
                        e -> assertThat(((DirectusException) e).isUnreachable()).isTrue());
        assertThatThrownBy(() -> client.refresh("refresh-token")).isInstanceOf(DirectusException.class);
        assertThat(server.posts.get()).isEqualTo(2);
    }

    @Test
    void aGetIsRetried() {
        server.resetAfterReading = true;
        assertThatThrownBy(() -> client.currentUser(tokens)).isInstanceOf(DirectusException.class);
        assertThat(server.gets.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void pooledConnectionsAreDroppedLongBeforeTheJdkDefault() {
        assertThat(client.currentUser(tokens).email()).isEqualTo("a@example.com");
        // The JDK default keeps idle connections for 1200 s; ours go after a few, before Node's 5 s.
        await().atMost(Duration.ofSeconds(30)).until(() -> server.closedByClient.get() == 1);
        assertThat(System.getProperty(KeepAlive.PROPERTY)).isEqualTo(KeepAlive.SECONDS);
    }

    /** HTTP/1.1 on a raw socket: answers every request with a user, or resets the connection after reading it. */
    private static final class FakeServer implements AutoCloseable {

        final AtomicInteger posts = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger closedByClient = new AtomicInteger();
        volatile boolean resetAfterReading;
        private final ServerSocket socket;

        FakeServer() {
            try {
                socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread acceptor = new Thread(this::accept, "fake-directus");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread serve = new Thread(() -> serve(connection), "fake-directus-conn");
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        closedByClient.incrementAndGet();
                        return;
                    }
                    (head.startsWith("POST") ? posts : gets).incrementAndGet();
                    in.readNBytes(contentLength(head));
                    if (resetAfterReading) {
                        connection.setSoLinger(true, 0);
                        return;
                    }
                    byte[] body =
                            "{\"data\":{\"id\":\"u1\",\"email\":\"a@example.com\"}}".getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
