package com.directuschat.testsupport;

import com.directuschat.directus.local.LocalDirectus;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A running test Directus with a {@link TcpProxy} in front of it. */
public final class DirectusInstance implements AutoCloseable {

    private final LocalDirectus directus;
    private final TcpProxy proxy;

    DirectusInstance(LocalDirectus directus) {
        this.directus = directus;
        try {
            this.proxy = new TcpProxy("127.0.0.1", directus.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Direct URL, e.g. http://127.0.0.1:41234. */
    public String url() {
        return directus.url();
    }

    /** URL through the proxy, for fault tests ({@link #proxy()}). */
    public String proxiedUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    public TcpProxy proxy() {
        return proxy;
    }

    public LocalDirectus directus() {
        return directus;
    }

    public int port() {
        return directus.port();
    }

    /** SIGKILL the Directus process tree. */
    public void kill() {
        directus.kill();
    }

    /** Start again on the same port with the same data; tokens issued before stay valid. */
    public void restart() {
        directus.stop();
        directus.start();
    }

    /** Start after {@link #kill()}. */
    public void start() {
        directus.start();
    }

    public String adminToken() {
        return TestDirectus.loginToken(url(), TestUsers.ADMIN_EMAIL, TestUsers.ADMIN_PASSWORD);
    }

    public String loginToken(String email, String password) {
        return TestDirectus.loginToken(url(), email, password);
    }

    @Override
    public void close() {
        proxy.close();
        directus.stop();
    }
}
