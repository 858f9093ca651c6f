package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.local.LocalDirectus;
import com.directuschat.directus.local.LocalDirectusProperties;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.Psql;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import com.directuschat.testsupport.TestUsers;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated Directus on PostgreSQL (127.0.0.1:5432, user postgres), bootstrapped and provisioned from scratch, then
 * seeded with the demo history.
 */
@Requires(TestService.POSTGRES)
class PostgresProvisionIT {

    private final String database =
            "directus_chat_it_" + ProcessHandle.current().pid();

    @BeforeEach
    void createDatabase() throws Exception {
        Psql.run("postgres", "DROP DATABASE IF EXISTS " + database);
        Psql.run("postgres", "CREATE DATABASE " + database);
    }

    @AfterEach
    void dropDatabase() throws Exception {
        Psql.run("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Test
    void freshPostgresDirectusIsProvisionedAndSeededIdempotently() {
        LocalDirectusProperties props = TestDirectus.freshProperties(Map.of())
                .withDb(LocalDirectusProperties.Db.postgres("127.0.0.1", 5432, database, "postgres", null));
        try (LocalDirectus directus = new LocalDirectus(props, TestDirectus.installation())) {
            directus.start();
            DirectusAdminClient admin = TestDirectus.adminClient(directus.url());

            new DirectusProvisioner(admin).provisionWithDemoUsers();
            String once = ProvisioningIT.snapshot(admin);
            new DirectusProvisioner(admin).provisionWithDemoUsers();

            assertThat(ProvisioningIT.snapshot(admin)).isEqualTo(once);
            assertThat(once)
                    .contains("field messages.user_created uuid", "relation messages.user_created->directus_users");
            assertThat(DirectusAdminClient.accessToken(directus.url(), TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD))
                    .isNotBlank();

            // The embedded mode's demo history on PostgreSQL (no cast-timestamp special, native uuid and timestamptz).
            Instant before = Instant.now();
            DemoHistoryIT.assertSeeded(admin, new DirectusProvisioner(admin).seedDemoHistory(), before);
            assertThat(ProvisioningIT.snapshot(admin)).isEqualTo(once);
            assertThat(new DirectusProvisioner(admin).seedDemoHistory()).isZero();

            // The guard flow on PostgreSQL (ids come back as numbers or strings): Bob, in Directus directly.
            String url = directus.url();
            String alice = DirectusAdminClient.accessToken(url, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
            String bob = DirectusAdminClient.accessToken(url, TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
            long hers = DirectusRest.createMessage(url, alice, "alice on postgres");
            long his = DirectusRest.createMessage(url, bob, "bob on postgres");
            assertThat(DirectusRest.status(url, "PATCH", "/items/messages/" + hers, bob, "{\"content\":\"pwned\"}"))
                    .isEqualTo(403);
            assertThat(DirectusRest.status(url, "DELETE", "/items/messages", bob, "[" + his + "," + hers + "]"))
                    .isEqualTo(403);
            assertThat(DirectusRest.status(
                            url, "POST", "/items/messages", bob, "{\"id\":9007199254740000,\"content\":\"big\"}"))
                    .isEqualTo(400); // field validation: Directus sets the id
            assertThat(DirectusRest.status(url, "PATCH", "/items/messages/" + his, bob, "{\"content\":\"edited\"}"))
                    .isEqualTo(200);
            assertThat(admin.get("/items/messages/" + hers).path("content").asString())
                    .isEqualTo("alice on postgres");
        }
    }
}
