package com.directuschat.chat;

import java.util.Collection;

/**
 * Which message ids one stream has sent, so that each goes out once: backfill overlaps live events on purpose.
 * Ids up to the position the page starts from count as sent, except those among the overlap below it that the page
 * says it does not show ({@link #shown}): on PostgreSQL such a lower id can still commit after a higher one.
 * Not thread-safe: its {@link MessageStream} guards it with its own lock.
 */
final class SentIds {

    private static final int RECENT_IDS = 512;

    private final RecentIds recent = new RecentIds(RECENT_IDS);
    /** Ids at or below it count as sent. */
    private long floor;

    private long highest;

    SentIds(long since) {
        this.floor = since;
        this.highest = since;
    }

    /** The highest id sent: where a backfill for this stream starts (minus the overlap). */
    long highest() {
        return highest;
    }

    /** After a data reset the browser may be ahead of Directus; it then goes live without replay. */
    void clampTo(long newest) {
        if (highest > newest) {
            floor = newest;
            highest = newest;
        }
    }

    /**
     * The page shows {@code ids} of the {@code overlap} ids at and below its position (others are ignored), and none
     * below {@code oldest} (0: it shows the room from its beginning); the rest of those ids may still come. Before
     * anything is sent.
     */
    void shown(int overlap, long oldest, Collection<Long> ids) {
        // Older than the page's oldest message is what it never loaded, not what committed late.
        long low = Math.max(Math.max(0, highest - overlap), oldest - 1);
        if (low >= floor) {
            return;
        }
        long position = floor;
        floor = low;
        ids.stream().filter(id -> id > low && id <= position).sorted().forEach(this::claim);
    }

    /** Marks {@code id} as sent; false if it was sent already (or lies at or below the floor). */
    boolean claim(long id) {
        if (id <= floor || recent.contains(id)) {
            return false;
        }
        long evicted = recent.add(id);
        if (evicted >= 0) {
            floor = evicted;
        }
        highest = Math.max(highest, id);
        return true;
    }
}
