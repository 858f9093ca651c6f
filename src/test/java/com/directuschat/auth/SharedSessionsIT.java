package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.DirectusChatApplication;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Two instances of the app (A and B) sharing one Redis and one Directus, as behind a balancer without sticky
 * sessions: a login made on A works on B, a logout on A ends it on B, two instances refreshing one login's
 * token at once make one refresh, and Redis going away is a 503 "try again shortly" until it returns, while open
 * streams keep relaying. Redis is reached through a {@link TcpProxy}, which the Redis-down test takes down.
 */
class SharedSessionsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAMESPACE = "test-shared-sessions-" + UUID.randomUUID();
    /** The instances share one Redis, so they share the key that seals the tokens in it (any 256 bits will do). */
    private static final String TOKEN_KEY = Base64.getEncoder()
            .encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());

    static TcpProxy redis;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static String directus;

    @BeforeAll
    static void start() throws Exception {
        directus = TestDirectus.shared().url();
        redis = new TcpProxy("127.0.0.1", 6379);
        a = app();
        b = app();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {a, b}) {
            if (context != null) {
                context.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
        // After the apps: they would take the deletions for session ends.
        directRedis(template -> {
            Set<String> keys = template.keys(NAMESPACE + ":*");
            if (keys != null && !keys.isEmpty()) {
                template.delete(keys);
            }
        });
    }

    /** Redis itself, not through the proxy the apps use. */
    private static void directRedis(Consumer<StringRedisTemplate> commands) {
        LettuceConnectionFactory connections =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        try {
            commands.accept(new StringRedisTemplate(connections));
        } finally {
            connections.destroy();
        }
    }

    private static ConfigurableApplicationContext app() {
        // As arguments: they outrank application.yml (default properties would not).
        return new SpringApplicationBuilder(DirectusChatApplication.class)
                .run(
                        "--server.port=0",
                        "--directus.url=" + directus,
                        "--directus.local.enabled=false",
                        "--spring.data.redis.host=127.0.0.1",
                        "--spring.data.redis.port=" + redis.port(),
                        "--spring.session.data.redis.namespace=" + NAMESPACE,
                        "--chat.presence.redis-namespace=" + NAMESPACE + ":presence",
                        "--chat.login.token-key=" + TOKEN_KEY);
    }

    private static String url(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static ChatClient loggedIn(ConfigurableApplicationContext at, String email, String password) {
        ChatClient client = new ChatClient(url(at));
        HttpResponse<String> login = client.login(email, password);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        assertThat(client.get("/").statusCode()).isEqualTo(200);
        return client;
    }

    private static SseConnection connectedStream(ChatClient client) {
        SseConnection stream = client.stream("since=0", null);
        stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
        return stream;
    }

    @Test
    void aLoginMadeOnAWorksOnBForPagesSendsAndStreams() {
        ChatClient onA = loggedIn(a, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        ChatClient onB = onA.sameBrowserAt(url(b));

        HttpResponse<String> page = onB.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/logout");
        // B never saw this login: its realtime session is built from the shared tokens on the first stream.
        try (SseConnection stream = connectedStream(onB)) {
            String viaB = "sent via B " + UUID.randomUUID();
            assertThat(onB.sendMessage(viaB).statusCode()).isEqualTo(204);
            stream.await(e -> e.data().contains(viaB), WAIT);
            String viaA = "sent via A " + UUID.randomUUID();
            assertThat(onA.sendMessage(viaA).statusCode()).isEqualTo(204);
            stream.await(e -> e.data().contains(viaA), WAIT);
        }
        assertThat(SharedLoginInspector.holder(b, onA.sessionId()).isRevoked()).isFalse();
    }

    @Test
    void aLogoutOnAEndsTheSessionOnBAndRevokesItOnce() {
        ChatClient onA = loggedIn(a, TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
        ChatClient onB = onA.sameBrowserAt(url(b));
        String refresh = SharedLoginInspector.refreshToken(SharedLoginInspector.holder(a, onA.sessionId()));
        try (SseConnection stream = connectedStream(onB)) {
            assertThat(onA.logout().headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
            // B hears of the end through Redis, and tells its tab.
            stream.await(e -> "session-ended".equals(e.name()), WAIT);
            stream.awaitEnd(WAIT);
        }
        assertThat(onB.get("/").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(DirectusRest.refreshStatus(directus, refresh)).isBetween(400, 403);
    }

    @Test
    void twoInstancesRefreshingOneLoginAtOnceMakeOneRefresh() throws Exception {
        ChatClient onA = loggedIn(a, TestUsers.userEmail(17), TestUsers.USER_PASSWORD);
        ChatClient onB = onA.sameBrowserAt(url(b));
        assertThat(onB.get("/").statusCode()).isEqualTo(200);
        TokenHolder holderA = SharedLoginInspector.holder(a, onA.sessionId());
        TokenHolder holderB = SharedLoginInspector.holder(b, onA.sessionId());
        String oldRefresh = SharedLoginInspector.refreshToken(holderA);
        long refreshesBefore = SharedLoginInspector.refreshes(holderA, holderB);

        // Both instances find their access token due, and go for a refresh together.
        SharedLoginInspector.expireCopy(holderA);
        SharedLoginInspector.expireCopy(holderB);
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<String>> refreshed = new ArrayList<>();
        for (TokenHolder holder : List.of(holderA, holderB)) {
            refreshed.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return holder.accessToken();
            }));
        }
        String tokenA = refreshed.get(0).get(60, TimeUnit.SECONDS);
        String tokenB = refreshed.get(1).get(60, TimeUnit.SECONDS);

        // This login's refreshes only: another login's socket may refresh on its own schedule meanwhile.
        assertThat(SharedLoginInspector.refreshes(holderA, holderB) - refreshesBefore)
                .isEqualTo(1);
        // The same access token on both; it may even be the old one (Directus's JSON-mode access token has no
        // session in it: a refresh within the second of the login signs the same claims). The pair did rotate:
        assertThat(tokenA).isEqualTo(tokenB);
        assertThat(SharedLoginInspector.refreshToken(holderA)).isNotEqualTo(oldRefresh);
        assertThat(DirectusRest.refreshStatus(directus, oldRefresh)).isBetween(400, 403);
        assertThat(holderA.isRevoked()).isFalse();
        assertThat(holderB.isRevoked()).isFalse();
        assertThat(onA.sendMessage("after the race, via A " + UUID.randomUUID()).statusCode())
                .isEqualTo(204);
        assertThat(onB.sendMessage("after the race, via B " + UUID.randomUUID()).statusCode())
                .isEqualTo(204);
    }

    @Test
    void aLoginWhoseStoredTokensWereAlteredInRedisHasEndedAndIsNoError() {
        ChatClient onA = loggedIn(a, TestUsers.userEmail(15), TestUsers.USER_PASSWORD);
        String key = NAMESPACE + ":logins:"
                + SharedLoginInspector.holder(a, onA.sessionId()).loginId();
        directRedis(template -> {
            String sealed = template.opsForValue().get(key);
            assertThat(sealed).startsWith("v1:");
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
            bytes[bytes.length - 1] ^= 1;
            template.opsForValue().set(key, "v1:" + Base64.getEncoder().encodeToString(bytes));
        });
        // B never held this login, so it reads the altered pair: the login has ended, and the page says so.
        ChatClient onB = onA.sameBrowserAt(url(b));
        HttpResponse<String> page = onB.get("/");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?expired"));
    }

    @Test
    void redisDownIsA503UntilItReturnsWhileOpenStreamsKeepRelaying() {
        ChatClient onA = loggedIn(a, TestUsers.userEmail(18), TestUsers.USER_PASSWORD);
        ChatClient onB = onA.sameBrowserAt(url(b));
        assertThat(onB.get("/").statusCode()).isEqualTo(200);
        String writer = TestDirectus.loginToken(TestUsers.userEmail(19), TestUsers.USER_PASSWORD);
        ChatClient newcomer = new ChatClient(url(a));
        assertThat(newcomer.get("/login").statusCode()).isEqualTo(200);
        try (SseConnection streamA = connectedStream(onA);
                SseConnection streamB = connectedStream(onB)) {
            redis.down();
            try {
                HttpResponse<String> page = onA.get("/", Map.of("Accept", "text/html"));
                assertThat(page.statusCode()).isEqualTo(503);
                assertThat(page.body()).contains("Try again shortly");
                // Static files need no session, so the 503 page keeps its styles and script.
                assertThat(onA.get("/css/chat.css").statusCode()).isEqualTo(200);
                assertThat(onA.get("/js/chat.js").statusCode()).isEqualTo(200);
                assertThat(onA.get("/favicon.svg").statusCode()).isEqualTo(200);
                HttpResponse<String> send = onB.sendMessage("while redis is down " + UUID.randomUUID());
                assertThat(send.statusCode()).isEqualTo(503);
                assertThat(send.body()).contains("id=\"send-error\"").contains("Try again shortly");
                // The login form was loaded before Redis went away.
                HttpResponse<String> login = newcomer.postForm(
                        "/login", Map.of("email", TestUsers.userEmail(16), "password", TestUsers.USER_PASSWORD), false);
                assertThat(login.statusCode()).isEqualTo(503);

                // Open streams need no session store: a message created meanwhile reaches both.
                String during = "relayed while redis is down " + UUID.randomUUID();
                DirectusRest.createMessage(directus, writer, during);
                streamA.await(e -> e.data().contains(during), WAIT);
                streamB.await(e -> e.data().contains(during), WAIT);
            } finally {
                redis.restore();
            }
            // Back: the same session works on both instances, nobody was logged out.
            await().atMost(Duration.ofSeconds(90)).until(() -> onA.get("/").statusCode() == 200);
            await().atMost(Duration.ofSeconds(90)).until(() -> onB.get("/").statusCode() == 200);
            String after = "after redis returned " + UUID.randomUUID();
            assertThat(onB.sendMessage(after).statusCode()).isEqualTo(204);
            streamA.await(e -> e.data().contains(after), WAIT);
            assertThat(streamA.ended()).isFalse();
            assertThat(streamB.ended()).isFalse();
        }
        assertThat(loggedIn(a, TestUsers.userEmail(16), TestUsers.USER_PASSWORD)
                        .get("/")
                        .body())
                .contains("/logout");
    }
}
