package com.directuschat.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.provision.DirectusProvisioner;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The official image as a Directus backend, where Docker exists; skipped cleanly where it does not. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerDirectusIT {

    @Container
    static final GenericContainer<?> DIRECTUS = new GenericContainer<>("directus/directus:12.4.0")
            .withExposedPorts(8055)
            .withEnv("SECRET", "container-test-secret")
            .withEnv("ADMIN_EMAIL", TestUsers.ADMIN_EMAIL)
            .withEnv("ADMIN_PASSWORD", TestUsers.ADMIN_PASSWORD)
            .withEnv("DB_CLIENT", "sqlite3")
            .withEnv("DB_FILENAME", "/directus/database/data.db")
            .withEnv("WEBSOCKETS_ENABLED", "true")
            .withEnv("TELEMETRY", "false")
            .waitingFor(Wait.forHttp("/server/ping")
                    .forResponsePredicate("pong"::equals)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @Test
    void officialImageIsProvisionedLikeTheLocalOne() {
        String url = "http://" + DIRECTUS.getHost() + ":" + DIRECTUS.getMappedPort(8055);
        DirectusAdminClient admin = TestDirectus.adminClient(url);

        new DirectusProvisioner(admin).provisionWithDemoUsers();

        assertThat(TestDirectus.loginToken(url, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD))
                .isNotBlank();
    }
}
