package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient.MessageVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageCacheTest {

    private static final Instant T1 = Instant.parse("2026-11-28T10:05:00.100Z");
    private static final Instant T2 = Instant.parse("2026-11-28T10:06:00.200Z");

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<List<Long>> directusReads = new ArrayList<>();
    /** What Directus holds now, where it differs from {@code message(id)}; reads wait while {@code gate} is closed. */
    private final Map<Long, ChatMessage> stored = new ConcurrentHashMap<>();

    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile List<MessageVersion> versions = List.of();
    private final MessageCache cache = new MessageCache(
            new MessageCache.Reads() {
                @Override
                public List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids) {
                    synchronized (directusReads) {
                        directusReads.add(List.copyOf(ids));
                    }
                    try {
                        gate.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ids.stream()
                            .map(id -> stored.getOrDefault(id, message(id)))
                            .toList();
                }

                @Override
                public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                    return List.of();
                }

                @Override
                public List<MessageVersion> versions(AccessTokenSource tokens, ChatRoom room, long upToId, int limit) {
                    return versions;
                }
            },
            pool);

    private static ChatMessage edited(long id, String content, Instant at) {
        return new ChatMessage(
                id, content, Instant.parse("2026-11-28T10:00:00Z"), "alice-id", "Alice", "Example", null, at);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void concurrentReadersOfOneIdShareOneDirectusRead() throws Exception {
        CompletableFuture<Map<Long, ChatMessage>> first = cache.read(List.of(7L), null);
        CompletableFuture<Map<Long, ChatMessage>> second = cache.read(List.of(7L), null);
        assertThat(first.get(10, TimeUnit.SECONDS)).containsEntry(7L, message(7));
        assertThat(second.get(10, TimeUnit.SECONDS)).containsEntry(7L, message(7));
        assertThat(cache.read(List.of(7L), null).get(10, TimeUnit.SECONDS)).containsKey(7L);
        assertThat(directusReads).containsExactly(List.of(7L));
        assertThat(cache.directusReads()).isEqualTo(1);
    }

    /** Directus pushed the id before our own create's answer came back: the answer serves the read. */
    @Test
    void anIdWhoseCreateIsStillInFlightHereWaitsForItsAnswerInsteadOfReading() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Future<ChatMessage> created = pool.submit(() -> cache.create(() -> {
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return message(42);
        }));
        org.awaitility.Awaitility.await().until(() -> cache.createsInFlight() == 1);

        CompletableFuture<Map<Long, ChatMessage>> read = cache.read(List.of(42L), null);
        assertThat(read).isNotDone();
        answer.countDown();
        assertThat(read.get(10, TimeUnit.SECONDS)).containsEntry(42L, message(42));
        assertThat(created.get(10, TimeUnit.SECONDS)).isEqualTo(message(42));
        assertThat(directusReads).isEmpty();

        // Someone else's message, arriving with ours: only that one is read.
        assertThat(cache.read(List.of(42L, 43L), null).get(10, TimeUnit.SECONDS))
                .containsOnlyKeys(42L, 43L);
        assertThat(directusReads).containsExactly(List.of(43L));
    }

    /**
     * A create that fails with an Error (not an exception) still answers the reads waiting for it: they read
     * Directus instead of waiting forever, which would hold up every later delivery of their session.
     */
    @Test
    void aCreateFailingWithAnErrorStillReleasesTheReadsWaitingForIt() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Future<ChatMessage> created = pool.submit(() -> cache.create(() -> {
            await(answer);
            throw new StackOverflowError("in the create");
        }));
        org.awaitility.Awaitility.await().until(() -> cache.createsInFlight() == 1);

        CompletableFuture<Map<Long, ChatMessage>> read = cache.read(List.of(42L), null);
        answer.countDown();
        assertThat(read.get(10, TimeUnit.SECONDS)).containsEntry(42L, message(42));
        assertThatThrownBy(() -> created.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StackOverflowError.class);
        assertThat(cache.createsInFlight()).isZero();
    }

    /** The same for an edit: the update event waiting for its answer reads Directus instead. */
    @Test
    void anEditFailingWithAnErrorStillReleasesTheUpdateWaitingForIt() throws Exception {
        cache.put(message(9));
        stored.put(9L, edited(9, "edited elsewhere", T1));
        CountDownLatch answer = new CountDownLatch(1);
        Future<ChatMessage> edit = pool.submit(() -> cache.edit(9, () -> {
            await(answer);
            throw new OutOfMemoryError("in the edit");
        }));
        org.awaitility.Awaitility.await().until(() -> cache.editsInFlight() == 1);

        CompletableFuture<ChatMessage> event = cache.updated(9, T1, null);
        answer.countDown();
        assertThat(event.get(10, TimeUnit.SECONDS).content()).isEqualTo("edited elsewhere");
        assertThatThrownBy(() -> edit.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OutOfMemoryError.class);
        assertThat(cache.editsInFlight()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Every logged-in session gets the same update event: one Directus read per instance per version, shared by the
     * sessions that ask while it is under way and served from the cache to those that ask later.
     */
    @Test
    void sessionsThatGetTheSameUpdateShareOneReadPerVersion() throws Exception {
        cache.put(message(7));
        stored.put(7L, edited(7, "fixed typo", T1));
        gate = new CountDownLatch(1);
        List<CompletableFuture<ChatMessage>> concurrent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            concurrent.add(cache.updated(7, T1, null));
        }
        org.awaitility.Awaitility.await().until(() -> cache.directusReads() == 1);
        assertThat(concurrent).noneMatch(CompletableFuture::isDone);
        gate.countDown();
        for (CompletableFuture<ChatMessage> read : concurrent) {
            assertThat(read.get(10, TimeUnit.SECONDS).content()).isEqualTo("fixed typo");
        }
        // Later sessions, and events of an older version (delivered late), are served from the cache.
        assertThat(cache.updated(7, T1, null).get(10, TimeUnit.SECONDS).updatedAt())
                .isEqualTo(T1);
        assertThat(cache.updated(7, T1.minusSeconds(30), null)
                        .get(10, TimeUnit.SECONDS)
                        .updatedAt())
                .isEqualTo(T1);
        assertThat(directusReads).containsExactly(List.of(7L));

        // The next edit is a new version: read again, once.
        stored.put(7L, edited(7, "fixed it again", T2));
        assertThat(cache.updated(7, T2, null).get(10, TimeUnit.SECONDS).content())
                .isEqualTo("fixed it again");
        assertThat(cache.updated(7, T2, null).get(10, TimeUnit.SECONDS).content())
                .isEqualTo("fixed it again");
        assertThat(cache.directusReads()).isEqualTo(2);
        // And the create path's reads see the edited copy too.
        assertThat(cache.read(List.of(7L), null)
                        .get(10, TimeUnit.SECONDS)
                        .get(7L)
                        .content())
                .isEqualTo("fixed it again");
    }

    /** An update whose version is unknown (date_updated not readable) is read each time: nothing to compare. */
    @Test
    void anUpdateOfUnknownVersionIsReadEachTime() throws Exception {
        cache.put(edited(7, "x", T1));
        cache.updated(7, null, null).get(10, TimeUnit.SECONDS);
        cache.updated(7, null, null).get(10, TimeUnit.SECONDS);
        assertThat(cache.directusReads()).isEqualTo(2);
    }

    /** Directus pushed the update before our own edit's answer came back: the answer serves it. */
    @Test
    void anEditThroughThisInstanceAnswersItsOwnUpdateEvent() throws Exception {
        cache.put(message(9));
        CountDownLatch answer = new CountDownLatch(1);
        Future<ChatMessage> edit = pool.submit(() -> cache.edit(9, () -> {
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return edited(9, "edited here", T1);
        }));
        org.awaitility.Awaitility.await().until(() -> cache.editsInFlight() == 1);
        CompletableFuture<ChatMessage> event = cache.updated(9, T1, null);
        assertThat(event).isNotDone();
        answer.countDown();
        assertThat(event.get(10, TimeUnit.SECONDS).content()).isEqualTo("edited here");
        assertThat(edit.get(10, TimeUnit.SECONDS).content()).isEqualTo("edited here");
        assertThat(directusReads).isEmpty();
        assertThat(cache.editsInFlight()).isZero();
    }

    @Test
    void anUpdatedMessageThatIsGoneMeanwhileComesBackAsNull() throws Exception {
        MessageCache empty = new MessageCache(
                new MessageCache.Reads() {
                    @Override
                    public List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids) {
                        return List.of();
                    }

                    @Override
                    public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                        return List.of();
                    }

                    @Override
                    public List<MessageVersion> versions(
                            AccessTokenSource tokens, ChatRoom room, long upToId, int limit) {
                        return List.of();
                    }
                },
                pool);
        assertThat(empty.updated(5, T1, null).get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aDeleteEvictsTheMessage() throws Exception {
        cache.put(message(11));
        assertThat(cache.read(List.of(11L), null).get(10, TimeUnit.SECONDS)).containsKey(11L);
        assertThat(directusReads).isEmpty();
        cache.deleted(List.of(11L));
        cache.read(List.of(11L), null).get(10, TimeUnit.SECONDS);
        assertThat(directusReads).containsExactly(List.of(11L));
    }

    /**
     * The window a resuming tab checks: which ids exist up to its position (one lean read), and the edited ones as
     * they are now: from the cache when its copy is current, the others in one read.
     */
    @Test
    void theWindowListsWhatExistsAndTheEditedMessagesAsTheyAreNow() {
        cache.put(edited(20, "current copy", T1));
        cache.put(edited(22, "stale copy", T1));
        stored.put(22L, edited(22, "newer", T2));
        stored.put(23L, edited(23, "never cached", T1));
        versions = List.of(
                new MessageVersion(24, null),
                new MessageVersion(23, T1),
                new MessageVersion(22, T2),
                new MessageVersion(20, T1));

        MessageStream.Window full = cache.window(null, null, 24, 4);
        assertThat(full.low()).isEqualTo(20);
        assertThat(full.high()).isEqualTo(24);
        assertThat(full.ids()).containsExactly(20L, 22L, 23L, 24L);
        assertThat(full.edited())
                .extracting(ChatMessage::content)
                .containsExactly("current copy", "newer", "never cached");
        assertThat(directusReads).containsExactly(List.of(23L, 22L));
        assertThat(full.json()).isEqualTo("{\"low\":20,\"high\":24,\"ids\":[20,22,23,24]}");

        // Fewer than asked for: the range reaches back to the first message.
        assertThat(cache.window(null, null, 24, 10).low()).isZero();
    }
}
