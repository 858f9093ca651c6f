package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Where a {@link ChatSession}'s messages come from: shared reads for realtime ids, and replays. */
interface MessageSource {

    /** The readable messages among {@code ids}, by id; absent ones were deleted or are not readable. */
    CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens);

    /** Messages of {@code room} with an id above {@code afterId}, in id order (blocking). */
    List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit);

    /**
     * The message as of its edit {@code updatedAt} or later (null: unknown version); completes with null when it
     * is gone or not readable.
     */
    default CompletableFuture<ChatMessage> updated(long id, Instant updatedAt, AccessTokenSource tokens) {
        return read(List.of(id), tokens).thenApply(found -> found.get(id));
    }

    /** These messages were deleted. */
    default void deleted(List<Long> ids) {}

    /**
     * What exists of the {@code size} newest messages of {@code room} up to {@code upToId}, for a tab resuming
     * there (blocking); null when this source cannot say.
     */
    default MessageStream.Window window(AccessTokenSource tokens, ChatRoom room, long upToId, int size) {
        return null;
    }
}
