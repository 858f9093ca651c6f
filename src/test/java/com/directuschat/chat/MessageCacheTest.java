package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;

class MessageCacheTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<List<Long>> directusReads = new ArrayList<>();
    private final MessageCache cache = new MessageCache(new MessageCache.Reads() {
        @Override
        public synchronized List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids) {
            directusReads.add(List.copyOf(ids));
            return ids.stream().map(ChatTestSupport::message).toList();
        }

        @Override
        public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
            return List.of();
        }
    }, pool);

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
            }
            catch (InterruptedException e) {
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
        assertThat(cache.read(List.of(42L, 43L), null).get(10, TimeUnit.SECONDS)).containsOnlyKeys(42L, 43L);
        assertThat(directusReads).containsExactly(List.of(43L));
    }
}
