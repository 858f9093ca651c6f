package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Turns messages into views in the reader's time zone. */
final class MessageFormatter {

    static final String UNKNOWN_AUTHOR = "Unknown user";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm:ss zzz", Locale.ENGLISH);

    private MessageFormatter() {}

    static MessageView view(ChatMessage message, ZoneId zone) {
        Instant created = message.createdAt();
        Instant updated = message.edited() ? message.updatedAt() : null;
        String edited = updated == null ? null : "Edited " + FULL.format(updated.atZone(zone));
        long version = updated == null ? 0 : Math.max(1, updated.toEpochMilli());
        if (created == null) {
            return new MessageView(
                    message.id(),
                    author(message),
                    null,
                    "",
                    "",
                    message.content(),
                    MessageText.segments(message.content()),
                    message.authorId(),
                    edited,
                    version);
        }
        ZonedDateTime local = created.atZone(zone);
        boolean today = local.toLocalDate().equals(LocalDate.now(zone));
        return new MessageView(
                message.id(),
                author(message),
                created.toString(),
                (today ? TIME : DAY_TIME).format(local),
                FULL.format(local),
                message.content(),
                MessageText.segments(message.content()),
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
