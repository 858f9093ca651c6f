package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
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
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", TestDirectus::freePort);
    }

    @LocalServerPort
    int port;

    @Autowired
    RateLimits limits;

    @Autowired
    MeterRegistry meters;

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

        assertThat(meters.get("chat.rate-limit.redis.fallbacks").counter().count()).isGreaterThanOrEqualTo(5);
        assertThat(output.getAll()).contains("Redis for rate limits is unreachable");
    }

    @Test
    @Requires(TestService.REDIS)
    void redisDyingWhileInUseFallsBackAndRecovers() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
            RateLimitProperties base = limits.properties();
            RateLimitProperties viaProxy = new RateLimitProperties(base.loginPerIp(), 2, base.loginPeriod(), base.sends(),
                    base.sendPeriod(), base.sendBurst(), base.streamsPerSession(), Duration.ofMillis(300));
            // As spring.data.redis.timeout / connect-timeout of 300 ms would make Boot's connection factory.
            LettuceConnectionFactory redis = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", proxy.port()),
                    LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300))
                            .clientOptions(ClientOptions.builder()
                                    .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(300)).build())
                                    .build())
                            .build());
            redis.afterPropertiesSet();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ExecutorService connector = Executors.newCachedThreadPool();
            RateLimits instance = new RateLimits(viaProxy, redis, meters, connector, TimeMeter.SYSTEM_NANOTIME);
            try {
                // Connected (it connects in the background from the start): a check that uses Redis counts nothing.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    double before = fallbacks(meters);
                    instance.send("warm-up-" + UUID.randomUUID());
                    return fallbacks(meters) == before;
                });
                double fallbacksBefore = fallbacks(meters);
                String email = "dying-" + UUID.randomUUID() + "@example.com";
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(fallbacks(meters)).isEqualTo(fallbacksBefore);
                proxy.blackhole();
                long started = System.nanoTime();
                assertThat(instance.login("192.0.2.7", email).allowed()).as("fails open").isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed()).as("in-memory limit").isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no hang").isLessThan(Duration.ofSeconds(10));
                assertThat(fallbacks(meters) - fallbacksBefore).isGreaterThanOrEqualTo(3);

                proxy.restore();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    double before = fallbacks(meters);
                    instance.login("192.0.2.8", "back-" + UUID.randomUUID() + "@example.com");
                    return fallbacks(meters) == before;
                });
            }
            finally {
                instance.destroy();
                redis.destroy();
                connector.shutdownNow();
            }
        }
    }

    private static double fallbacks(MeterRegistry registry) {
        return registry.get("chat.rate-limit.redis.fallbacks").counter().count();
    }
}
