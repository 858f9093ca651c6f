package com.directuschat.chat;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Messages by id, read from Directus once per instance. Realtime subscriptions carry ids only (Directus then
 * spends far less per subscriber); the first session whose subscription delivers an id reads it over REST with
 * its own token, concurrent arrivals share that read, and the rest are served from here.
 * <p>
 * A message created through this instance costs no read at all: the create's answer is the message. Directus
 * may push the id before that answer is back, so a read waits for the creates this instance has in flight.
 * <p>
 * Assumption: every chat user who may read a message sees the same fields of it. Directus still decides who
 * gets which message, because a session asks for an id only after its own subscription delivered it.
 */
@Component
class MessageCache implements ChatSession.MessageSource {

    /** The two Directus reads this cache makes (as the user whose token is given). */
    interface Reads {
        List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids);

        List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit);
    }

    private final Reads directus;
    private final Executor reads;
    private final AsyncCache<Long, ChatMessage> messages = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).buildAsync();
    private final Set<CompletableFuture<ChatMessage>> creating = ConcurrentHashMap.newKeySet();
    private final AtomicLong directusReads = new AtomicLong();

    @Autowired
    MessageCache(DirectusClient directus, @Qualifier("applicationTaskExecutor") Executor reads) {
        this(new Reads() {
            @Override
            public List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids) {
                return directus.messagesByIds(tokens, ids);
            }

            @Override
            public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                return directus.messagesAfter(tokens, room, afterId, limit);
            }
        }, reads);
    }

    MessageCache(Reads directus, Executor reads) {
        this.directus = directus;
        this.reads = reads;
    }

    @Override
    public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
        return messages.getAll(ids, (missing, executor) -> {
            List<CompletableFuture<ChatMessage>> ours = List.copyOf(creating);
            return CompletableFuture.allOf(ours.toArray(CompletableFuture[]::new))
                    .handle((done, failed) -> null)
                    .thenApplyAsync(ignored -> load(missing, ours, tokens), reads);
        });
    }

    private Map<Long, ChatMessage> load(Set<? extends Long> missing, List<CompletableFuture<ChatMessage>> ours,
            AccessTokenSource tokens) {
        Map<Long, ChatMessage> found = new HashMap<>();
        for (CompletableFuture<ChatMessage> create : ours) {
            ChatMessage created = create.isCompletedExceptionally() ? null : create.join();
            if (created != null && missing.contains(created.id())) {
                found.put(created.id(), created);
            }
        }
        List<Long> unknown = missing.stream().filter(id -> !found.containsKey(id)).map(Long::valueOf).toList();
        if (!unknown.isEmpty()) {
            directusReads.incrementAndGet();
            found.putAll(byId(directus.byIds(tokens, unknown)));
        }
        return found;
    }

    @Override
    public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
        List<ChatMessage> found = directus.after(tokens, room, afterId, limit);
        found.forEach(this::put);
        return found;
    }

    /** Creates a message through {@code create}; reads of its id wait for the answer instead of asking Directus. */
    ChatMessage create(Supplier<ChatMessage> create) {
        CompletableFuture<ChatMessage> answer = new CompletableFuture<>();
        creating.add(answer);
        try {
            ChatMessage created = create.get();
            put(created);
            answer.complete(created);
            return created;
        }
        catch (RuntimeException e) {
            answer.completeExceptionally(e);
            throw e;
        }
        finally {
            creating.remove(answer);
        }
    }

    void put(ChatMessage message) {
        messages.put(message.id(), CompletableFuture.completedFuture(message));
    }

    /** Creates through this instance that have no answer yet. */
    int createsInFlight() {
        return creating.size();
    }

    /** REST reads this cache made for realtime events, for tests and monitoring. */
    long directusReads() {
        return directusReads.get();
    }

    private static Map<Long, ChatMessage> byId(Collection<ChatMessage> found) {
        return found.stream().collect(Collectors.toMap(ChatMessage::id, Function.identity(), (a, b) -> a));
    }
}
