package com.directuschat.presence;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusPresence;
import com.directuschat.directus.DirectusRest;
import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.TestDirectus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import tools.jackson.databind.JsonNode;

/**
 * Two {@link Presence} instances, as two chat servers, against the same real Directus, with short intervals. Each
 * test has a room of its own, so rows of other tests never show.
 */
class PresenceIT {

    /** Heartbeat 500 ms, expiry 5 s (ten heartbeats: a busy shared machine must not expire anyone), poll 250 ms. */
    static final PresenceProperties FAST = new PresenceProperties(
            Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ZERO);

    static final Duration WAIT = Duration.ofSeconds(20);

    static String url;
    static DirectusClient directus;
    static DirectusAdminClient admin;
    static ThreadPoolTaskScheduler scheduler;
    static Login alice;
    static Login bob;

    final List<Presence> instances = new ArrayList<>();
    long room;
    Presence a;
    Presence b;
    final List<Long> changesOnB = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void logins() {
        url = TestDirectus.shared().url();
        directus = client(url);
        admin = TestDirectus.adminClient(url);
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(4);
        scheduler.setThreadNamePrefix("presence-it-");
        scheduler.initialize();
        alice = Login.of(directus, ALICE_EMAIL, ALICE_PASSWORD);
        bob = Login.of(directus, BOB_EMAIL, BOB_PASSWORD);
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdown();
    }

    @BeforeEach
    void twoInstancesAndARoom() {
        room = new DirectusProvisioner(admin)
                .ensureRoom("presence-it-" + UUID.randomUUID().toString().substring(0, 8), "Presence IT", "");
        a = instance();
        b = instance();
        b.onChange(changesOnB::add);
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(Presence::close);
    }

    static DirectusClient client(String url) {
        return DirectusClient.of(URI.create(url), Duration.ofSeconds(10));
    }

    private Presence instance() {
        Presence presence = new Presence(
                PresenceStore.of(new DirectusPresence(DirectusRest.create(url, Duration.ofSeconds(10)))),
                FAST,
                scheduler,
                scheduler,
                Clock.systemUTC());
        presence.start();
        instances.add(presence);
        return presence;
    }

    /** The keys of the user's rows in this test's room, read as admin, live or not. */
    private List<String> rowsOf(Login login) {
        List<String> keys = new ArrayList<>();
        for (JsonNode row : admin.rows(
                "/items/presence",
                "id",
                Map.of(
                        "_and",
                        List.of(Map.of("room", Map.of("_eq", room)), Map.of("user", Map.of("_eq", login.userId())))))) {
            keys.add(row.path("id").asString());
        }
        return keys;
    }

    @Test
    void aUserEnteringOnOneInstanceShowsOnTheOtherAfterAPoll() {
        b.enter(bob, bob.userId(), "Bob Example", room);
        assertThat(b.online(room)).containsExactly("Bob Example");

        a.enter(alice, alice.userId(), "Alice Example", room);
        assertThat(a.online(room)).contains("Alice Example");

        await().atMost(WAIT)
                .until(() -> b.online(room), names -> names.equals(List.of("Alice Example", "Bob Example")));
        await().atMost(WAIT)
                .until(() -> a.online(room), names -> names.equals(List.of("Alice Example", "Bob Example")));
        // Bob entered, then the poll found Alice: two changes, told as one when the poll came within the publish
        // delay of Bob's entering; no more.
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(changesOnB).hasSizeBetween(1, 2).containsOnly(room));
        assertThat(rowsOf(alice)).containsExactly(alice.userId() + ":" + room + ":" + a.instance());
    }

    @Test
    void twoTabsAndTwoLoginsOfOneUserCountOnce() {
        b.enter(bob, bob.userId(), "Bob Example", room);
        Login aliceAgain = Login.of(directus, ALICE_EMAIL, ALICE_PASSWORD);
        a.enter(alice, alice.userId(), "Alice Example", room);
        a.enter(alice, alice.userId(), "Alice Example", room);
        a.enter(aliceAgain, alice.userId(), "Alice Example", room);
        b.enter(aliceAgain, alice.userId(), "Alice Example", room);

        await().atMost(WAIT).until(() -> rowsOf(alice).size() == 2);
        await().atMost(WAIT)
                .until(() -> a.online(room), names -> names.equals(List.of("Alice Example", "Bob Example")));
        assertThat(b.online(room)).containsExactly("Alice Example", "Bob Example");
        assertThat(new TreeSet<>(rowsOf(alice)))
                .containsExactlyElementsOf(new TreeSet<>(List.of(
                        alice.userId() + ":" + room + ":" + a.instance(),
                        alice.userId() + ":" + room + ":" + b.instance())));
    }

    @Test
    void theLastTabLeavingRemovesTheUserHereAtOnceAndThereAfterAPoll() {
        b.enter(bob, bob.userId(), "Bob Example", room);
        Presence.Handle first = a.enter(alice, alice.userId(), "Alice Example", room);
        Presence.Handle second = a.enter(alice, alice.userId(), "Alice Example", room);
        await().atMost(WAIT).until(() -> b.online(room).contains("Alice Example"));

        first.leave();
        first.leave();
        assertThat(a.online(room)).contains("Alice Example");
        second.leave();
        assertThat(a.online(room)).doesNotContain("Alice Example");

        // Deleted, not left to expire: the row is gone from the table.
        await().atMost(WAIT).until(() -> rowsOf(alice).isEmpty());
        await().atMost(WAIT).until(() -> b.online(room), names -> names.equals(List.of("Bob Example")));
    }

    @Test
    void aUserWithTabsOnTwoInstancesStaysWhenOneInstancesTabLeaves() {
        a.enter(bob, bob.userId(), "Bob Example", room);
        b.enter(alice, alice.userId(), "Alice Example", room);
        // A has polled B's row for Alice before Alice opens a tab on A too.
        await().atMost(WAIT).until(() -> a.online(room).contains("Alice Example"));
        Presence.Handle onA = a.enter(alice, alice.userId(), "Alice Example", room);
        await().atMost(WAIT).until(() -> rowsOf(alice).size() == 2);

        onA.leave();

        await().atMost(WAIT)
                .until(
                        () -> rowsOf(alice),
                        rows -> rows.equals(List.of(alice.userId() + ":" + room + ":" + b.instance())));
        // Longer than the expiry: B keeps its row fresh, and A lists Alice from it all along.
        await().during(FAST.expiry().plusSeconds(1))
                .atMost(FAST.expiry().plusSeconds(10))
                .until(() -> a.online(room).contains("Alice Example")
                        && b.online(room).contains("Alice Example"));
    }

    @Test
    void anInstanceThatStopsWithoutLeavingDropsOutAfterTheExpiry() {
        b.enter(bob, bob.userId(), "Bob Example", room);
        a.enter(alice, alice.userId(), "Alice Example", room);
        await().atMost(WAIT).until(() -> b.online(room).contains("Alice Example"));

        Instant stopped = Instant.now();
        a.close(); // as if it crashed: no leave, no delete

        await().atMost(WAIT).until(() -> b.online(room), names -> names.equals(List.of("Bob Example")));
        // Not before its last heartbeat expired.
        assertThat(Duration.between(stopped, Instant.now()))
                .isGreaterThan(FAST.expiry().minus(FAST.heartbeatInterval()));
        assertThat(rowsOf(alice)).hasSize(1);

        // Alice's next start removes what the stopped instance left behind.
        Presence c = instance();
        c.enter(alice, alice.userId(), "Alice Example", room);
        await().atMost(WAIT)
                .until(
                        () -> rowsOf(alice),
                        rows -> rows.equals(List.of(alice.userId() + ":" + room + ":" + c.instance())));
    }

    @Test
    void provisioningAddsPresenceToAnOlderDirectusInPlaceAndOnlyOnce() {
        try (DirectusInstance older = TestDirectus.dedicated(Map.of())) {
            DirectusAdminClient olderAdmin = TestDirectus.adminClient(older.url());
            olderAdmin.delete("/collections/" + DirectusProvisioner.PRESENCE);
            for (JsonNode permission : olderAdmin.rows(
                    "/permissions", "id", Map.of("collection", Map.of("_eq", DirectusProvisioner.PRESENCE)))) {
                olderAdmin.delete("/permissions/" + permission.path("id").asString());
            }
            assertThat(olderAdmin.find("/collections/" + DirectusProvisioner.PRESENCE))
                    .isEmpty();

            DirectusProvisioner provisioner = new DirectusProvisioner(olderAdmin);
            provisioner.provision();
            String once = presenceSchema(olderAdmin);
            // A collection someone turned tracking on for is put back to untracked.
            olderAdmin.patch(
                    "/collections/" + DirectusProvisioner.PRESENCE, Map.of("meta", Map.of("accountability", "all")));
            provisioner.provision();

            assertThat(presenceSchema(olderAdmin)).isEqualTo(once);
            // (SQLite reports the uuid as a string.)
            assertThat(once)
                    .containsPattern("field user (uuid|string) \\[\"user-created\"\\]")
                    .contains(
                            "field id string",
                            "field room integer",
                            "field seen timestamp [\"date-created\",\"date-updated\"",
                            "relation user->directus_users CASCADE",
                            "relation room->rooms CASCADE",
                            "accountability null",
                            "Chat users read",
                            "Chat users create",
                            "Chat users update",
                            "Chat users delete");

            // What the chat does, as a chat user, works on the upgraded Directus.
            DirectusClient client = client(older.url());
            DirectusPresence presenceRows =
                    new DirectusPresence(DirectusRest.create(older.url(), Duration.ofSeconds(30)));
            Login carol = Login.of(
                    client,
                    com.directuschat.testsupport.TestUsers.userEmail(3),
                    com.directuschat.testsupport.TestUsers.USER_PASSWORD);
            long general = client.roomId(carol, DirectusProvisioner.DEFAULT_ROOM);
            String key = carol.userId() + ":" + general + ":it";
            presenceRows.createPresence(carol, key, general);
            presenceRows.touchPresence(carol, key);
            assertThat(presenceRows.presence(carol, List.of(general), Duration.ofMinutes(1)))
                    .anySatisfy(row -> assertThat(row.firstName()).isEqualTo("User"));
            presenceRows.deletePresence(carol, key);
            assertThat(olderAdmin.rows(
                            "/activity", "id", Map.of("collection", Map.of("_eq", DirectusProvisioner.PRESENCE))))
                    .isEmpty();
        }
    }

    private static String presenceSchema(DirectusAdminClient admin) {
        TreeSet<String> lines = new TreeSet<>();
        for (JsonNode f : admin.get("/fields/" + DirectusProvisioner.PRESENCE)) {
            lines.add("field " + f.path("field").asString() + " "
                    + f.path("type").asString() + " " + f.path("meta").path("special"));
        }
        for (JsonNode r : admin.get("/relations/" + DirectusProvisioner.PRESENCE)) {
            lines.add("relation " + r.path("field").asString() + "->"
                    + r.path("related_collection").asString() + " "
                    + r.path("schema").path("on_delete").asString());
        }
        lines.add("accountability "
                + admin.get("/collections/" + DirectusProvisioner.PRESENCE)
                        .path("meta")
                        .path("accountability"));
        for (JsonNode p : admin.rows(
                "/permissions",
                "policy.name,action,fields,permissions",
                Map.of("collection", Map.of("_eq", DirectusProvisioner.PRESENCE)))) {
            lines.add(p.path("policy").path("name").asString() + " "
                    + p.path("action").asString() + " " + p.path("fields") + " " + p.path("permissions"));
        }
        return String.join("\n", lines);
    }

    /** A user's login; what the chat's TokenHolder is, minus the refresh bookkeeping. */
    record Login(DirectusClient client, AuthTokens tokens, String userId) implements AccessTokenSource {

        static Login of(DirectusClient client, String email, String password) {
            AuthTokens tokens = client.login(email, password);
            Login partial = new Login(client, tokens, null);
            return new Login(client, tokens, client.currentUser(partial).id());
        }

        @Override
        public String accessToken() {
            return tokens.accessToken();
        }

        @Override
        public String refreshAfterRejection(String rejected) {
            throw new IllegalStateException("the test's token was refused");
        }

        @Override
        public Instant renewAt() {
            return tokens.expiresAt();
        }
    }
}
