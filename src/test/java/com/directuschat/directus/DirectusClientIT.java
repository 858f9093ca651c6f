package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * DirectusClient against the real Directus: reads by id, POSTs after Node dropped the idle connection, and read
 * positions that only move forward.
 */
class DirectusClientIT {

    private final DirectusClient client =
            DirectusClient.of(URI.create(TestDirectus.shared().url()), Duration.ofSeconds(10));
    private final DirectusReadPositions positions = readPositionsOfAnInstance();

    /** Read positions as one app instance writes them (each instance has its own). */
    private static DirectusReadPositions readPositionsOfAnInstance() {
        return new DirectusReadPositions(com.directuschat.directus.DirectusRest.create(
                TestDirectus.shared().url(), Duration.ofSeconds(10)));
    }

    /** A room id no other test uses (read positions need no room row). */
    private static long freshRoomId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Integer.MAX_VALUE);
    }

    private AccessTokenSource login() {
        return login(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
    }

    private AccessTokenSource login(String email, String password) {
        String token = client.login(email, password).accessToken();
        return new AccessTokenSource() {
            @Override
            public String accessToken() {
                return token;
            }

            @Override
            public String refreshAfterRejection(String rejected) {
                throw new DirectusException(401, "TOKEN_EXPIRED", "not refreshed in this test");
            }

            @Override
            public Instant renewAt() {
                return Instant.MAX;
            }
        };
    }

    private ChatRoom room(AccessTokenSource tokens, String slug) {
        return client.rooms(tokens, "general").stream()
                .filter(r -> r.slug().equals(slug))
                .findFirst()
                .orElseThrow();
    }

    /** A room of its own for one test, created as admin (chat users may only read rooms). */
    private ChatRoom newRoom(AccessTokenSource tokens) {
        String slug = "room-" + System.nanoTime();
        new DirectusProvisioner(TestDirectus.adminClient(TestDirectus.shared().url()))
                .ensureRoom(slug, "Room " + slug, null);
        return room(tokens, slug);
    }

    @Test
    void theDefaultRoomHoldsItsMessagesAndThoseWithoutARoomAndNoOtherRoomsMessages() {
        AccessTokenSource alice = login();
        ChatRoom general = room(alice, "general");
        assertThat(general.isDefault()).isTrue();
        ChatRoom other = newRoom(alice);
        assertThat(other.isDefault()).isFalse();
        ChatMessage inGeneral = client.createMessage(alice, general, "in general " + System.nanoTime());
        // As the seed tutorial's app posts: no room at all.
        long roomless = DirectusRest.createMessage(
                TestDirectus.shared().url(),
                TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD),
                "no room " + System.nanoTime());
        ChatMessage inOther = client.createMessage(alice, other, "in the other room " + System.nanoTime());

        List<Long> generalIds = client.latestMessages(alice, general, 50).stream()
                .map(ChatMessage::id)
                .toList();
        assertThat(generalIds).contains(inGeneral.id(), roomless).doesNotContain(inOther.id());
        assertThat(client.latestMessages(alice, other, 50)).containsExactly(inOther);
        assertThat(client.messagesAfter(alice, other, 0, 50)).containsExactly(inOther);
        assertThat(client.messagesBefore(alice, general, inOther.id(), 50).stream()
                        .map(ChatMessage::id))
                .contains(inGeneral.id(), roomless);
        assertThat(inOther.room()).isEqualTo(other.id());
        assertThat(other.contains(inOther)).isTrue();
        assertThat(general.contains(inOther)).isFalse();
    }

    @Test
    void unreadCountsFollowTheStoredReadPositionAndLeaveOutOwnMessages() {
        AccessTokenSource alice = login();
        AccessTokenSource bob = login(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
        String aliceId = client.currentUser(alice).id();
        ChatRoom room = newRoom(alice);
        ChatMessage first = client.createMessage(bob, room, "one " + System.nanoTime());
        client.createMessage(bob, room, "two " + System.nanoTime());
        client.createMessage(alice, room, "mine " + System.nanoTime());
        client.createMessage(bob, room, "three " + System.nanoTime());
        List<ChatRoom> rooms = List.of(room);

        assertThat(positions.readPositions(alice, aliceId)).doesNotContainKey(room.id());
        assertThat(positions.unreadCounts(alice, rooms, Map.of())).containsEntry(room.id(), 3);

        positions.saveReadPosition(alice, aliceId, room.id(), first.id());
        assertThat(positions.readPositions(alice, aliceId)).containsEntry(room.id(), first.id());
        assertThat(positions.unreadCounts(alice, rooms, positions.readPositions(alice, aliceId)))
                .containsEntry(room.id(), 2);

        // The second save updates the same row.
        ChatMessage last = client.latestMessages(alice, room, 1).get(0);
        positions.saveReadPosition(alice, aliceId, room.id(), last.id());
        assertThat(positions.readPositions(alice, aliceId)).containsEntry(room.id(), last.id());
        assertThat(positions.unreadCounts(alice, rooms, positions.readPositions(alice, aliceId)))
                .doesNotContainKey(room.id());
    }

    @Test
    void aReadPositionOnlyMovesForwardWhateverOrderTheSavesArriveIn() {
        AccessTokenSource alice = login();
        String aliceId = client.currentUser(alice).id();
        long room = freshRoomId();

        positions.saveReadPosition(alice, aliceId, room, 50);
        positions.saveReadPosition(alice, aliceId, room, 30); // an older save, late
        assertThat(positions.readPositions(alice, aliceId)).containsEntry(room, 50L);
        // Another instance, which never saw the 50, saves an older position: Directus keeps the row ahead.
        readPositionsOfAnInstance().saveReadPosition(alice, aliceId, room, 40);
        assertThat(positions.readPositions(alice, aliceId)).containsEntry(room, 50L);
        readPositionsOfAnInstance().saveReadPosition(alice, aliceId, room, 60);
        assertThat(positions.readPositions(alice, aliceId)).containsEntry(room, 60L);
    }

    @Test
    void firstSavesRacingOnTwoInstancesEndAtTheFurthestWithoutAnError() throws Exception {
        AccessTokenSource alice = login();
        String aliceId = client.currentUser(alice).id();
        DirectusReadPositions onA = readPositionsOfAnInstance();
        DirectusReadPositions onB = readPositionsOfAnInstance();
        List<Long> rooms =
                LongStream.range(0, 8).map(i -> freshRoomId()).boxed().toList();
        CyclicBarrier together = new CyclicBarrier(2 * rooms.size());
        ExecutorService threads = Executors.newFixedThreadPool(2 * rooms.size());
        try {
            List<Future<?>> saves = new ArrayList<>();
            for (long room : rooms) {
                // Neither row exists: both instances find none to move and create it at once.
                saves.add(threads.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    onA.saveReadPosition(alice, aliceId, room, 10);
                    return null;
                }));
                saves.add(threads.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    onB.saveReadPosition(alice, aliceId, room, 20);
                    return null;
                }));
            }
            for (Future<?> save : saves) {
                save.get(60, TimeUnit.SECONDS); // throws if a save failed (RECORD_NOT_UNIQUE)
            }
        } finally {
            threads.shutdownNow();
        }
        Map<Long, Long> stored = positions.readPositions(alice, aliceId);
        for (long room : rooms) {
            assertThat(stored).containsEntry(room, 20L);
        }
    }

    @Test
    void readsMessagesByIdAndLeavesOutThoseThatDoNotExist() {
        AccessTokenSource alice = login();
        ChatRoom general = room(alice, "general");
        ChatMessage first = client.createMessage(alice, general, "read me by id " + System.nanoTime());
        ChatMessage second = client.createMessage(alice, general, "read me too " + System.nanoTime());
        List<ChatMessage> read = client.messagesByIds(alice, List.of(second.id(), Long.MAX_VALUE / 2, first.id()));
        assertThat(read).containsExactly(first, second);
        assertThat(read.get(0).authorFirstName()).isEqualTo("Alice");
        assertThat(client.messagesByIds(alice, List.of())).isEmpty();
    }

    @Test
    void aPostAfterNodeClosedTheIdleConnectionSucceeds() {
        AccessTokenSource alice = login();
        ChatRoom general = room(alice, "general");
        Instant idleSince = Instant.now();
        // Idling past Node's 5 s keep-alive timeout is the point here; nothing else is waited for.
        await().pollDelay(Duration.ofMillis(5500))
                .atMost(Duration.ofSeconds(10))
                .until(() -> Duration.between(idleSince, Instant.now()).toMillis() >= 5500);
        ChatMessage created = client.createMessage(alice, general, "after idling " + System.nanoTime());
        assertThat(created.id()).isPositive();
        await().pollDelay(Duration.ofMillis(5500))
                .atMost(Duration.ofSeconds(10))
                .until(() -> Duration.between(idleSince, Instant.now()).toMillis() >= 11000);
        assertThat(client.login(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD).accessToken())
                .isNotBlank();
    }
}
