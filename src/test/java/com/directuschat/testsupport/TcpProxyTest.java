package com.directuschat.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client went away
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = new TcpProxy("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBlackholesRestoresAndCuts() throws IOException {
        try (Socket client = new Socket("127.0.0.1", proxy.port())) {
            client.setSoTimeout(1000);
            assertThat(roundTrip(client, 'a')).isEqualTo('a');

            proxy.blackhole();
            client.getOutputStream().write('b');
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.restore();
            assertThat(roundTrip(client, 'c')).isEqualTo('c');

            proxy.cut();
            client.setSoTimeout(5000);
            assertThat(readOrEof(client)).isEqualTo(-1);
        }
        try (Socket again = new Socket("127.0.0.1", proxy.port())) {
            again.setSoTimeout(1000);
            assertThat(roundTrip(again, 'd')).isEqualTo('d');
        }
    }

    private static int roundTrip(Socket socket, char c) throws IOException {
        socket.getOutputStream().write(c);
        socket.getOutputStream().flush();
        return socket.getInputStream().read();
    }

    private static int readOrEof(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException e) {
            return -1; // reset counts as cut too
        }
    }
}
