package com.directuschat.chat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Messages by id, read from Directus once per instance. Realtime subscriptions carry ids only (Directus then
 * spends far less per subscriber); the first session whose subscription delivers an id reads it over REST with
 * its own token, concurrent arrivals share that read, and the rest are served from here.
 * <p>
 * Assumption: every chat user who may read a message sees the same fields of it. Directus still decides who
 * gets which message, because a session asks for an id only after its own subscription delivered it.
 */
@Component
class MessageCache implements ChatSession.MessageSource {

    private final DirectusClient directus;
    private final Executor reads;
    private final AsyncCache<Long, ChatMessage> messages = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).buildAsync();
    private final AtomicLong directusReads = new AtomicLong();

    MessageCache(DirectusClient directus, @Qualifier("applicationTaskExecutor") Executor reads) {
        this.directus = directus;
        this.reads = reads;
    }

    @Override
    public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
        return messages.getAll(ids, (missing, executor) -> CompletableFuture.supplyAsync(() -> {
            directusReads.incrementAndGet();
            return byId(directus.messagesByIds(tokens, List.copyOf(missing)));
        }, reads));
    }

    @Override
    public List<ChatMessage> after(AccessTokenSource tokens, long afterId, int limit) {
        List<ChatMessage> found = directus.messagesAfter(tokens, afterId, limit);
        found.forEach(this::put);
        return found;
    }

    /** A message we created ourselves: its realtime event then costs no read at all. */
    void put(ChatMessage message) {
        messages.put(message.id(), CompletableFuture.completedFuture(message));
    }

    /** REST reads this cache made for realtime events, for tests and monitoring. */
    long directusReads() {
        return directusReads.get();
    }

    private static Map<Long, ChatMessage> byId(Collection<ChatMessage> found) {
        return found.stream().collect(Collectors.toMap(ChatMessage::id, Function.identity(), (a, b) -> a));
    }
}
