package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusClient.MessageVersion;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>
 * Edits are versioned by {@code date_updated}, which the update subscription carries: a copy at least as new as
 * the event's version is served from here; otherwise the first session re-reads it, the others share that read
 * (one read per instance per version), and an edit made through this instance is its own answer. A delete evicts.
 */
@Component
class MessageCache implements MessageSource {

    /** The two Directus reads this cache makes (as the user whose token is given). */
    interface Reads {
        List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids);

        List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit);

        /** Ids and versions of the {@code limit} newest messages of the room up to {@code upToId}, newest first. */
        List<MessageVersion> versions(AccessTokenSource tokens, ChatRoom room, long upToId, int limit);
    }

    private final Reads directus;
    private final Executor reads;
    private final AsyncCache<Long, ChatMessage> messages = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10))
            .buildAsync();
    private final Set<CompletableFuture<ChatMessage>> creating = ConcurrentHashMap.newKeySet();
    /** Re-reads of edited messages under way, by id and version: sessions that get the same event share one. */
    private final Map<MessageVersion, CompletableFuture<ChatMessage>> updating = new ConcurrentHashMap<>();
    /** Edits through this instance that have no answer yet, by message id. */
    private final Map<Long, CompletableFuture<ChatMessage>> editing = new ConcurrentHashMap<>();

    private final AtomicLong directusReads = new AtomicLong();

    @Autowired
    MessageCache(DirectusClient directus, @Qualifier("applicationTaskExecutor") Executor reads) {
        this(
                new Reads() {
                    @Override
                    public List<ChatMessage> byIds(AccessTokenSource tokens, List<Long> ids) {
                        return directus.messagesByIds(tokens, ids);
                    }

                    @Override
                    public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                        return directus.messagesAfter(tokens, room, afterId, limit);
                    }

                    @Override
                    public List<MessageVersion> versions(
                            AccessTokenSource tokens, ChatRoom room, long upToId, int limit) {
                        return directus.messageVersions(tokens, room, upToId, limit);
                    }
                },
                reads);
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

    private Map<Long, ChatMessage> load(
            Set<? extends Long> missing, List<CompletableFuture<ChatMessage>> ours, AccessTokenSource tokens) {
        Map<Long, ChatMessage> found = new HashMap<>();
        for (CompletableFuture<ChatMessage> create : ours) {
            ChatMessage created = create.isCompletedExceptionally() ? null : create.join();
            if (created != null && missing.contains(created.id())) {
                found.put(created.id(), created);
            }
        }
        List<Long> unknown = missing.stream()
                .filter(id -> !found.containsKey(id))
                .map(Long::valueOf)
                .toList();
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
        } catch (Throwable e) {
            // Any Throwable, Errors too: reads waiting for this answer would otherwise wait forever.
            answer.completeExceptionally(e);
            throw e;
        } finally {
            creating.remove(answer);
        }
    }

    void put(ChatMessage message) {
        messages.put(message.id(), CompletableFuture.completedFuture(message));
    }

    @Override
    public CompletableFuture<ChatMessage> updated(long id, Instant updatedAt, AccessTokenSource tokens) {
        ChatMessage cached = cached(id);
        if (atLeast(cached, updatedAt)) {
            return CompletableFuture.completedFuture(cached);
        }
        MessageVersion version = new MessageVersion(id, updatedAt);
        CompletableFuture<ChatMessage> mine = new CompletableFuture<>();
        CompletableFuture<ChatMessage> shared = updating.putIfAbsent(version, mine);
        if (shared != null) {
            return shared;
        }
        CompletableFuture<ChatMessage> edit = editing.get(id);
        CompletableFuture<?> before =
                edit == null ? CompletableFuture.completedFuture(null) : edit.handle((m, e) -> null);
        before.thenApplyAsync(
                        ignored -> {
                            // Checked again: a read of this version may have finished between the check above and ours,
                            // and an edit
                            // through this instance may have answered meanwhile.
                            ChatMessage now = cached(id);
                            if (atLeast(now, updatedAt)) {
                                return now;
                            }
                            directusReads.incrementAndGet();
                            List<ChatMessage> found = directus.byIds(tokens, List.of(id));
                            if (found.isEmpty()) {
                                return null;
                            }
                            return putIfNewer(found.get(0));
                        },
                        reads)
                .whenComplete((message, error) -> {
                    // Cached before it is forgotten here, so a session that comes later finds it in the cache.
                    updating.remove(version, mine);
                    if (error != null) {
                        mine.completeExceptionally(error);
                    } else {
                        mine.complete(message);
                    }
                });
        return mine;
    }

    @Override
    public void deleted(List<Long> ids) {
        messages.synchronous().invalidateAll(ids);
    }

    /**
     * What exists of the {@code size} newest messages up to {@code upToId} (one lean read of ids and versions), with
     * the edited ones among them as they are now (from here when the copy is current, else one read for all).
     */
    @Override
    public MessageStream.Window window(AccessTokenSource tokens, ChatRoom room, long upToId, int size) {
        List<MessageVersion> versions = directus.versions(tokens, room, upToId, size);
        long low = versions.size() < size
                ? 0
                : versions.stream().mapToLong(MessageVersion::id).min().orElse(0);
        List<Long> ids = versions.stream().map(MessageVersion::id).sorted().toList();
        List<ChatMessage> edited = new ArrayList<>();
        List<Long> stale = new ArrayList<>();
        for (MessageVersion version : versions) {
            if (version.updatedAt() != null) {
                ChatMessage cached = cached(version.id());
                if (atLeast(cached, version.updatedAt())) {
                    edited.add(cached);
                } else {
                    stale.add(version.id());
                }
            }
        }
        if (!stale.isEmpty()) {
            directusReads.incrementAndGet();
            directus.byIds(tokens, stale).forEach(m -> edited.add(putIfNewer(m)));
        }
        edited.sort(java.util.Comparator.comparingLong(ChatMessage::id));
        return new MessageStream.Window(low, upToId, ids, List.copyOf(edited));
    }

    /** Edits a message through {@code edit}; update events of it wait for the answer instead of reading it. */
    ChatMessage edit(long id, Supplier<ChatMessage> edit) {
        CompletableFuture<ChatMessage> answer = new CompletableFuture<>();
        editing.put(id, answer);
        try {
            ChatMessage edited = putIfNewer(edit.get());
            answer.complete(edited);
            return edited;
        } catch (Throwable e) {
            // Any Throwable, as for creates: the update events waiting for this answer must not wait forever.
            answer.completeExceptionally(e);
            throw e;
        } finally {
            editing.remove(id, answer);
        }
    }

    /** Edits through this instance that have no answer yet. */
    int editsInFlight() {
        return editing.size();
    }

    /** Creates through this instance that have no answer yet. */
    int createsInFlight() {
        return creating.size();
    }

    /** REST reads this cache made for realtime events, for tests and monitoring. */
    long directusReads() {
        return directusReads.get();
    }

    /** The cached copy if it is there and read, else null. */
    private ChatMessage cached(long id) {
        CompletableFuture<ChatMessage> copy = messages.getIfPresent(id);
        return copy != null && copy.isDone() && !copy.isCompletedExceptionally() ? copy.join() : null;
    }

    /** Keeps the newer of the cached copy and {@code message}; returns what the cache holds now. */
    ChatMessage putIfNewer(ChatMessage message) {
        CompletableFuture<ChatMessage> kept = messages.asMap().compute(message.id(), (id, old) -> {
            ChatMessage current = old != null && old.isDone() && !old.isCompletedExceptionally() ? old.join() : null;
            return current != null && version(current).isAfter(version(message))
                    ? old
                    : CompletableFuture.completedFuture(message);
        });
        return kept.join();
    }

    /** Whether {@code message} is at least as new as the edit {@code updatedAt}; never for an unknown version. */
    private static boolean atLeast(ChatMessage message, Instant updatedAt) {
        return message != null && updatedAt != null && !version(message).isBefore(updatedAt);
    }

    /** A message's version: when it was last edited, or the beginning of time for one never edited. */
    private static Instant version(ChatMessage message) {
        return message.updatedAt() == null ? Instant.MIN : message.updatedAt();
    }

    private static Map<Long, ChatMessage> byId(Collection<ChatMessage> found) {
        return found.stream().collect(Collectors.toMap(ChatMessage::id, Function.identity(), (a, b) -> a));
    }
}
