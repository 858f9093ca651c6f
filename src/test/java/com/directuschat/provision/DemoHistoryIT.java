package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The embedded mode's demo history, seeded into a provisioned Directus (a copy of the test template). */
class DemoHistoryIT {

    @Test
    void seedsRoomsAndHistoryOnceWithTheirDatesAndAuthorsUnedited() {
        try (DirectusInstance directus = TestDirectus.dedicated(Map.of())) {
            DirectusAdminClient admin = TestDirectus.adminClient(directus.url());
            DirectusProvisioner provisioner = new DirectusProvisioner(admin);
            provisioner.provisionWithDemoUsers();
            assertThat(messages(admin)).as("provisioning alone seeds nothing").isEmpty();
            String schema = ProvisioningIT.snapshot(admin);

            Instant before = Instant.now();
            int created = provisioner.seedDemoHistory();
            assertSeeded(admin, created, before);
            assertThat(ProvisioningIT.snapshot(admin))
                    .as("specials back as they were, nothing else changed")
                    .isEqualTo(schema);
            List<JsonNode> seeded = messages(admin);
            String rooms = admin.get("/items/rooms?fields=id,slug,name,description&sort=id")
                    .toString();

            assertThat(provisioner.seedDemoHistory()).as("second start").isZero();
            assertThat(messages(admin).toString()).isEqualTo(seeded.toString());
            assertThat(admin.get("/items/rooms?fields=id,slug,name,description&sort=id")
                            .toString())
                    .isEqualTo(rooms);
            assertThat(ProvisioningIT.snapshot(admin)).isEqualTo(schema);

            assertStampedByDirectus(directus, seeded);
        }
    }

    @Test
    void aSeedThatDiedBeforePuttingTheSpecialsBackIsRepairedOnTheNextStart() {
        try (DirectusInstance directus = TestDirectus.dedicated(Map.of())) {
            DirectusAdminClient admin = TestDirectus.adminClient(directus.url());
            DirectusProvisioner provisioner = new DirectusProvisioner(admin);
            String schema = ProvisioningIT.snapshot(admin);
            // What seed() does before its bulk create, and then the create, and then the JVM dies.
            List<Map<String, Object>> stripped = new ArrayList<>();
            for (JsonNode field : admin.get("/fields/messages")) {
                String name = field.path("field").asString();
                if (StampedFields.STAMPED_ON_CREATE.containsKey(name)) {
                    List<String> special = new ArrayList<>();
                    field.path("meta").path("special").forEach(s -> special.add(s.asString()));
                    special.remove(StampedFields.STAMPED_ON_CREATE.get(name));
                    Map<String, Object> meta = new HashMap<>();
                    meta.put("special", special.isEmpty() ? null : special);
                    stripped.add(Map.of("field", name, "meta", meta));
                }
            }
            admin.patch("/fields/messages", stripped);
            admin.post(
                    "/items/messages",
                    List.of(Map.of("content", "seeded before the crash", "date_created", "2026-01-02T03:04:05Z")));
            assertThat(ProvisioningIT.snapshot(admin)).isNotEqualTo(schema);

            assertThat(provisioner.seedDemoHistory())
                    .as("there are messages: no history")
                    .isZero();

            assertThat(ProvisioningIT.snapshot(admin)).isEqualTo(schema);
            assertStampedByDirectus(directus, messages(admin));
        }
    }

    /** What a fresh seed must look like; {@code before}: taken just before seeding. */
    static void assertSeeded(DirectusAdminClient admin, int created, Instant before) {
        Instant after = Instant.now();
        Map<String, JsonNode> rooms = new TreeMap<>();
        admin.get("/items/rooms?fields=id,slug,name,description&limit=-1")
                .forEach(r -> rooms.put(r.path("slug").asString(), r));
        assertThat(rooms.keySet()).containsExactlyInAnyOrder("general", "random", "dev");
        assertThat(rooms.values()).allSatisfy(r -> {
            assertThat(r.path("name").asString()).isNotBlank();
            assertThat(r.path("description").asString()).isNotBlank().doesNotContain("\n");
        });

        List<JsonNode> messages = messages(admin);
        assertThat(created).isBetween(250, 350).isEqualTo(messages.size());
        Set<String> demoUsers =
                Set.copyOf(ChatUser.DEMO_USERS.stream().map(ChatUser::email).toList());
        Map<String, Integer> perAuthor = new HashMap<>();
        Map<String, Integer> perRoom = new HashMap<>();
        JsonNode previous = null;
        for (JsonNode message : messages) {
            String email = message.path("user_created").path("email").asString();
            assertThat(demoUsers).as("author of %s", message).contains(email);
            perAuthor.merge(email, 1, Integer::sum);
            perRoom.merge(message.path("room").path("slug").asString(), 1, Integer::sum);
            assertThat(message.path("date_updated").isNull())
                    .as("not edited: %s", message)
                    .isTrue();
            assertThat(message.path("content").asString()).isNotBlank();
            Instant date = Instant.parse(message.path("date_created").asString());
            assertThat(date).isBetween(before.minus(DemoHistory.SPAN).minusSeconds(1), after); // whole seconds
            if (previous != null) {
                assertThat(message.path("id").asLong())
                        .isGreaterThan(previous.path("id").asLong());
                assertThat(date)
                        .as("dates ascend with ids")
                        .isAfter(Instant.parse(previous.path("date_created").asString()));
            }
            previous = message;
        }
        assertThat(perAuthor.keySet()).isEqualTo(demoUsers);
        assertThat(perRoom.keySet()).containsExactlyInAnyOrder("general", "random", "dev");
        Instant oldest = Instant.parse(messages.get(0).path("date_created").asString());
        Instant newest = Instant.parse(
                messages.get(messages.size() - 1).path("date_created").asString());
        assertThat(Duration.between(oldest, newest)).isGreaterThan(Duration.ofDays(3));
        assertThat(newest).isAfter(before.minus(Duration.ofHours(1)));
    }

    /** Directus stamps a new message again: its author and now, after every older message, and no edit date. */
    private static void assertStampedByDirectus(DirectusInstance directus, List<JsonNode> older) {
        DirectusAdminClient admin = TestDirectus.adminClient(directus.url());
        Instant before = Instant.now().minusSeconds(2);
        long id = DirectusRest.createMessage(
                directus.url(), directus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD), "after the seed");
        JsonNode message =
                admin.get("/items/messages/" + id + "?fields=id,date_created,date_updated,user_created.email");

        assertThat(id).isGreaterThan(older.get(older.size() - 1).path("id").asLong());
        assertThat(message.path("user_created").path("email").asString()).isEqualTo(TestUsers.ALICE_EMAIL);
        assertThat(Instant.parse(message.path("date_created").asString()))
                .isBetween(before, Instant.now().plusSeconds(2));
        assertThat(message.path("date_updated").isNull()).isTrue();
    }

    static List<JsonNode> messages(DirectusAdminClient admin) {
        List<JsonNode> messages = new ArrayList<>();
        admin.get("/items/messages?fields=id,content,date_created,date_updated,room.slug,user_created.email"
                        + "&sort=id&limit=-1")
                .forEach(messages::add);
        return messages;
    }
}
