package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

/**
 * Operations on a real app and Directus: liveness and readiness open to all (Directus up: UP), the Prometheus scrape
 * only for the metrics user, and the chat's meters in it, with the values one conversation gives them.
 */
@DirectusTest
@AutoConfigureMetrics
@TestPropertySource(
        properties = {
            "chat.metrics.username=scraper",
            "chat.metrics.password=scrape-secret",
            "chat.rate-limit.login-per-email=2"
        })
class ActuatorIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    private ChatClient client() {
        return new ChatClient("http://127.0.0.1:" + port);
    }

    static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + HttpHeaders.encodeBasicAuth(user, password, StandardCharsets.UTF_8));
    }

    @Test
    void livenessAndReadinessAreOpenAndUpWithDirectusUp() {
        HttpResponse<String> liveness = client().get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"");
        HttpResponse<String> readiness = client().get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"").doesNotContain("directus");
        assertThat(readiness.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // The metrics user also sees which checks make up readiness.
        assertThat(client().get("/actuator/health/readiness", basic("scraper", "scrape-secret"))
                        .body())
                .contains("\"directus\":{\"status\":\"UP\"")
                .contains("readinessState");
    }

    @Test
    void prometheusNeedsTheMetricsUser() {
        assertThat(client().get("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(client().get("/actuator/prometheus", basic("scraper", "wrong"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(client().get("/actuator/prometheus", basic(ALICE_EMAIL, ALICE_PASSWORD))
                        .statusCode())
                .as("a chat login is no metrics user")
                .isEqualTo(401);
        assertThat(client().get("/actuator").statusCode()).isEqualTo(401);

        ChatClient alice = client();
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        assertThat(alice.get("/actuator/prometheus").statusCode())
                .as("a chat session is no metrics user")
                .isEqualTo(401);
    }

    @Test
    void theScrapeHasTheChatsMetersWithTheValuesOfAConversation() {
        ChatClient alice = client();
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        try (SseConnection stream = alice.stream("since=0", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            String text = "metered " + UUID.randomUUID();
            assertThat(alice.sendMessage(text).statusCode()).isEqualTo(204);
            stream.await(e -> e.data().contains(text), WAIT);

            HttpResponse<String> scrape = client().get("/actuator/prometheus", basic("scraper", "scrape-secret"));
            assertThat(scrape.statusCode()).isEqualTo(200);
            String body = scrape.body();
            assertThat(value(body, "chat_streams")).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "directus_realtime_sessions")).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "directus_realtime_connects_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "chat_messages_relayed_total")).isGreaterThanOrEqualTo(1);
            assertThat(body)
                    .contains(
                            "chat_messages_backfilled_total",
                            "directus_realtime_reconnects_total",
                            "directus_token_refresh_failures_total",
                            "chat_stream_overflows_total",
                            "chat_stream_queue_depth_max");
        }
        // A refused login is counted with its limit.
        String email = "metered-" + UUID.randomUUID() + "@example.com";
        int status = 0;
        for (int i = 0; i < 3; i++) {
            ChatClient client = client();
            client.get("/login");
            status = client.postForm("/login", Map.of("email", email, "password", "x"), false)
                    .statusCode();
        }
        assertThat(status).isEqualTo(429);
        String body = client().get("/actuator/prometheus", basic("scraper", "scrape-secret"))
                .body();
        assertThat(value(body, "chat_rate_limit_refusals_total{limit=\"login-email\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    /** The chat's and the realtime sessions' pools and timers are beans Micrometer sees, and Boot's own are there too. */
    @Test
    void theScrapeHasTheExecutorsOfTheChatAndOfTheRealtimeSessionsBesideBootsOwn() {
        String body = client().get("/actuator/prometheus", basic("scraper", "scrape-secret"))
                .body();
        assertThat(value(body, "executor_pool_max_threads{name=\"chatWorkers\"}"))
                .isEqualTo(64);
        assertThat(value(body, "executor_pool_max_threads{name=\"realtimeWorkers\"}"))
                .isEqualTo(32);
        assertThat(value(body, "executor_pool_core_threads{name=\"chatTimer\"}"))
                .isEqualTo(1);
        assertThat(value(body, "executor_pool_core_threads{name=\"realtimeTimer\"}"))
                .isEqualTo(1);
        assertThat(body).contains("executor_queued_tasks{name=\"chatWorkers\"");
        assertThat(value(body, "executor_pool_core_threads{name=\"applicationTaskExecutor\"}"))
                .isEqualTo(8);
        assertThat(value(body, "executor_pool_core_threads{name=\"taskScheduler\"}"))
                .isEqualTo(1);
    }

    /** The value of a series in a Prometheus scrape: {@code name}, or {@code name{tags}} to the first tags given. */
    static double value(String scrape, String name) {
        String series = name.endsWith("}")
                ? Pattern.quote(name.substring(0, name.length() - 1)) + "[^}]*\\}"
                : Pattern.quote(name) + "(?:\\{[^}]*\\})?";
        Matcher matcher = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(scrape);
        assertThat(matcher.find()).as("%s in the scrape", name).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
