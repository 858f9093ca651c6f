package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import com.directuschat.testsupport.TestUsers;

/**
 * Redis down: the limits fail open to this instance's in-memory buckets. Logins and sends keep working,
 * the limits still hold per instance, a warning is logged and the fallbacks are counted.
 */
@DirectusTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"chat.rate-limit.login-per-email=2"})
class RedisDownRateLimitIT {

    @DynamicPropertySource
    static void deadRedis(DynamicPropertyRegistry registry) {
        registry.add("chat.rate-limit.redis-url", () -> "redis://127.0.0.1:" + TestDirectus.freePort());
    }

    @LocalServerPort
    int port;

    @Autowired
    RateLimits limits;

    @Test
    void withRedisUnreachableTheChatWorksAndLimitsStillHoldInMemory(CapturedOutput output) {
        ChatClient user = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = user.login(TestUsers.userEmail(11), TestUsers.USER_PASSWORD);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        user.get("/");
        assertThat(user.sendMessage("redis is down " + UUID.randomUUID()).statusCode()).isEqualTo(204);

        String email = "down-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 2; i++) {
            ChatClient client = new ChatClient("http://127.0.0.1:" + port);
            client.get("/login");
            assertThat(client.postForm("/login", Map.of("email", email, "password", "x"), false).statusCode()).isEqualTo(302);
        }
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.get("/login");
        assertThat(client.postForm("/login", Map.of("email", email, "password", "x"), false).statusCode()).isEqualTo(429);

        assertThat(limits.redisFallbacks()).isGreaterThanOrEqualTo(5);
        assertThat(output.getAll()).contains("Redis for rate limits is unreachable");
    }

    @Test
    @Requires(TestService.REDIS)
    void redisDyingWhileInUseFallsBackAndRecovers() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
            RateLimitProperties base = limits.properties();
            RateLimitProperties viaProxy = new RateLimitProperties(base.loginPerIp(), 2, base.loginPeriod(), base.sends(),
                    base.sendPeriod(), base.sendBurst(), base.streamsPerSession(), "redis://127.0.0.1:" + proxy.port(),
                    Duration.ofMillis(300));
            RateLimits instance = new RateLimits(viaProxy);
            try {
                String email = "dying-" + UUID.randomUUID() + "@example.com";
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(instance.redisFallbacks()).isZero();
                proxy.blackhole();
                long started = System.nanoTime();
                assertThat(instance.login("192.0.2.7", email).allowed()).as("fails open").isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed()).as("in-memory limit").isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no hang").isLessThan(Duration.ofSeconds(10));
                assertThat(instance.redisFallbacks()).isGreaterThanOrEqualTo(3);

                proxy.restore();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    long before = instance.redisFallbacks();
                    instance.login("192.0.2.8", "back-" + UUID.randomUUID() + "@example.com");
                    return instance.redisFallbacks() == before;
                });
            }
            finally {
                instance.destroy();
            }
        }
    }
}
