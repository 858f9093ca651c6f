package com.directuschat.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.directuschat.directus.DirectusException;
import com.directuschat.provision.DirectusAdminClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedicatedInstanceIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void killedAndRestartedInstanceAcceptsTokensIssuedBefore() {
        try (DirectusInstance directus = TestDirectus.dedicated(Map.of("WEBSOCKETS_HEARTBEAT_PERIOD", "2"))) {
            String token = directus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
            long pid = directus.directus().process().orElseThrow().pid();

            directus.kill();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(directus.directus().isHealthy()).isFalse();

            directus.start();
            assertThat(me(directus.url(), token)).isEqualTo("Alice");

            directus.restart();
            assertThat(me(directus.url(), token)).isEqualTo("Alice");
            assertThat(directus.port()).isEqualTo(URI.create(directus.url()).getPort());
        }
    }

    @Test
    void shortAccessTokenTtlAndHeartbeatPeriodApply() {
        try (DirectusInstance directus =
                TestDirectus.dedicated(Map.of("ACCESS_TOKEN_TTL", "3s", "WEBSOCKETS_HEARTBEAT_PERIOD", "2"))) {
            String token = directus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
            assertThat(me(directus.url(), token)).isEqualTo("Bob");
            try (WsClient ws = new WsClient(directus.url())) {
                ws.send(Map.of("type", "auth", "access_token", token));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !ws.ofType("ping").isEmpty());
            }
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThatThrownBy(() -> me(directus.url(), token))
                            .isInstanceOfSatisfying(
                                    DirectusException.class,
                                    e -> assertThat(e.status()).isEqualTo(401)));
        }
    }

    @Test
    void proxyCanCutBlackholeAndRestore() {
        DirectusInstance shared = TestDirectus.shared();
        String token = TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        try (WsClient ws = new WsClient(shared.proxiedUrl())) {
            ws.send(Map.of("type", "auth", "access_token", token));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ws.ofType("auth").isEmpty());

            shared.proxy().cut();
            await().atMost(Duration.ofSeconds(10)).until(ws::isClosed);
        }

        assertThat(ping(shared.proxiedUrl())).isTrue();
        shared.proxy().blackhole();
        try {
            assertThat(ping(shared.proxiedUrl())).isFalse();
        } finally {
            shared.proxy().restore();
        }
        assertThat(ping(shared.proxiedUrl())).isTrue();
    }

    private static String me(String url, String token) {
        return DirectusAdminClient.forToken(url, token)
                .get("/users/me?fields=first_name")
                .path("first_name")
                .asString();
    }

    private static boolean ping(String url) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/server/ping"))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return "pong".equals(response.body());
        } catch (Exception e) {
            return false;
        }
    }
}
