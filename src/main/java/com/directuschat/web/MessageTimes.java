package com.directuschat.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How a message's time is written, on every page that shows one (the chat, search results): "14:05" today,
 * "3 Jun, 14:05" before, and the full date and zone for the tooltip. One place, so the pages cannot drift apart.
 */
public final class MessageTimes {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm:ss zzz", Locale.ENGLISH);

    private MessageTimes() {}

    /** The time alone today (in {@code zone}), else day, month and time. */
    public static String shortTime(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        boolean today = local.toLocalDate().equals(LocalDate.now(zone));
        return (today ? TIME : DAY_TIME).format(local);
    }

    /** Weekday, date, time to the second and zone. */
    public static String fullTime(Instant at, ZoneId zone) {
        return FULL.format(at.atZone(zone));
    }
}
