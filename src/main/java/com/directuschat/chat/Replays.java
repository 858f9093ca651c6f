package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a {@link ChatSession}'s tabs may have missed, read back from Directus: on attach, on live, on a failed read. */
final class Replays {

    // Logged as the session's, as before this class was split out of it.
    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final AccessTokenSource tokens;
    private final MessageSource source;
    private final ChatProperties properties;
    private final Reader reader;
    private final Set<MessageStream> streams;

    Replays(
            AccessTokenSource tokens,
            MessageSource source,
            ChatProperties properties,
            Reader reader,
            Set<MessageStream> streams) {
        this.tokens = tokens;
        this.source = source;
        this.properties = properties;
        this.reader = reader;
        this.streams = streams;
    }

    /** Every tab replays; runs on the session's serial lane. */
    void all() {
        streams.forEach(stream -> {
            stream.hold();
            replay(stream);
        });
    }

    /**
     * The tab replays from Directus what it may have missed, from a little below its position (on PostgreSQL
     * a lower id can commit after a higher one), in pages of {@code chat.backfill-limit} until it has it all; what
     * it already has is dropped by id.
     */
    void replay(MessageStream stream) {
        stream.replay(
                after -> {
                    try {
                        List<ChatMessage> missed =
                                source.after(tokens, stream.room(), after, properties.backfillLimit());
                        if (reader != null && stream.room() != null && !missed.isEmpty()) {
                            reader.unread()
                                    .read(
                                            stream.room().id(),
                                            missed.get(missed.size() - 1).id());
                        }
                        return missed;
                    } catch (DirectusException e) {
                        log.info(
                                "Backfill failed ({}); it is retried when the realtime session is live again",
                                e.code());
                        return List.of();
                    }
                },
                properties.backfillOverlap(),
                properties.backfillLimit(),
                upTo -> {
                    if (upTo <= 0) {
                        return null;
                    }
                    try {
                        // The page's first render shows chat.history-size messages: the same range is checked on
                        // resume.
                        return source.window(tokens, stream.room(), upTo, properties.historySize());
                    } catch (DirectusException e) {
                        log.info(
                                "Checking the tab's messages failed ({}); it is retried with the next replay",
                                e.code());
                        return null;
                    }
                });
    }
}
