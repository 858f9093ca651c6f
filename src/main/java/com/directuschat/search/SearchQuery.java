package com.directuschat.search;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What was asked for, checked: the text (trimmed, 2 to {@value #MAX_LENGTH} characters, no control characters)
 * and where a page starts ({@code before}: a message id from 1 to 2^53 - 1, absent for the newest). A query that
 * cannot be run carries the problem to show instead.
 */
record SearchQuery(String text, long before, String problem) {

    static final int MIN_LENGTH = 2;
    static final int MAX_LENGTH = 200;
    /** Largest id there can be: Directus is JavaScript, and its ids are exact up to 2^53 - 1. */
    static final long MAX_ID = 9_007_199_254_740_991L;

    /**
     * What Directus's {@code LIKE} would read as something else than itself: its wildcards {@code %} and {@code _},
     * and PostgreSQL's escape character {@code \}. Directus escapes none of them.
     */
    private static final Pattern LIKE_SPECIAL = Pattern.compile("[%_\\\\]");

    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

    /** {@code q} and {@code before} as the request has them (null when absent). */
    static SearchQuery of(String q, String[] before) {
        String text = q == null ? "" : q.strip();
        long from;
        try {
            from = before(before);
        } catch (IllegalArgumentException e) {
            return new SearchQuery(text, 0, e.getMessage());
        }
        int length = text.codePointCount(0, text.length());
        if (length < MIN_LENGTH) {
            return new SearchQuery(text, from, "Type at least " + MIN_LENGTH + " characters to search.");
        }
        if (length > MAX_LENGTH) {
            return new SearchQuery(
                    text, from, "That is too long to search for: use at most " + MAX_LENGTH + " characters.");
        }
        if (CONTROL.matcher(text).find()) {
            return new SearchQuery(text, from, "Search for text without control characters (tabs, line breaks).");
        }
        return new SearchQuery(text, from, null);
    }

    boolean valid() {
        return problem == null;
    }

    /** The text's pieces between the characters {@code LIKE} would misread; each must be in a message found. */
    List<String> pieces() {
        return Arrays.stream(LIKE_SPECIAL.split(text)).filter(p -> !p.isEmpty()).toList();
    }

    /** Whether Directus's answer may hold messages that do not contain the text as it is (checked here then). */
    boolean needsCheck() {
        return LIKE_SPECIAL.matcher(text).find();
    }

    private static long before(String[] values) {
        if (values == null || values.length == 0 || values.length == 1 && values[0].isEmpty()) {
            return 0;
        }
        if (values.length > 1) {
            throw new IllegalArgumentException("Give where the results start (before) once.");
        }
        if (values[0].matches("[0-9]{1,16}")) {
            long id = Long.parseLong(values[0]);
            if (id >= 1 && id <= MAX_ID) {
                return id;
            }
        }
        throw new IllegalArgumentException(
                "Where the results start (before) must be a message id: a whole number from 1 to " + MAX_ID + ".");
    }
}
