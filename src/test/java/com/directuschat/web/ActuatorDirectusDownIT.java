package com.directuschat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Directus unreachable: not ready (a balancer sends people elsewhere) but alive (a restart would not help). No
 * metrics user is configured here, so nobody reads the metrics, whatever they send.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"directus.url=http://127.0.0.1:9", "directus.local.enabled=false"})
@AutoConfigureMetrics
class ActuatorDirectusDownIT {

    @LocalServerPort
    int port;

    @Test
    void notReadyButAlive() {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> readiness = client.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"status\":\"DOWN\"");
        HttpResponse<String> liveness = client.get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void withoutAMetricsUserNobodyReadsTheMetrics() {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        assertThat(client.get("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(client.get("/actuator/prometheus", ActuatorIT.basic("scraper", "scrape-secret"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(client.get("/actuator/health/readiness", ActuatorIT.basic("scraper", "x"))
                        .body())
                .doesNotContain("directus");
    }
}
