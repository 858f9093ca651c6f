package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import com.directuschat.web.MessageTimes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Function;

/** Turns messages into views in the reader's time zone, mentions named from the people directory. */
final class MessageFormatter {

    static final String UNKNOWN_AUTHOR = "Unknown user";

    private MessageFormatter() {}

    static MessageView view(ChatMessage message, ZoneId zone) {
        return view(message, zone, id -> null);
    }

    /** The view, each mention named by {@code names} (a user id to "First Last", or null: "@unknown user"). */
    static MessageView view(ChatMessage message, ZoneId zone, Function<String, String> names) {
        Instant created = message.createdAt();
        Instant updated = message.edited() ? message.updatedAt() : null;
        String edited = updated == null ? null : "Edited " + MessageTimes.fullTime(updated, zone);
        long version = updated == null ? 0 : Math.max(1, updated.toEpochMilli());
        if (created == null) {
            return new MessageView(
                    message.id(),
                    author(message),
                    null,
                    "",
                    "",
                    message.content(),
                    MessageText.segments(message.content(), names),
                    message.authorId(),
                    edited,
                    version);
        }
        return new MessageView(
                message.id(),
                author(message),
                created.toString(),
                MessageTimes.shortTime(created, zone),
                MessageTimes.fullTime(created, zone),
                message.content(),
                MessageText.segments(message.content(), names),
                message.authorId(),
                edited,
                version);
    }

    static String author(ChatMessage message) {
        String first = message.authorFirstName() == null
                ? ""
                : message.authorFirstName().trim();
        String last =
                message.authorLastName() == null ? "" : message.authorLastName().trim();
        String name = (first + " " + last).trim();
        return name.isEmpty() ? UNKNOWN_AUTHOR : name;
    }
}
