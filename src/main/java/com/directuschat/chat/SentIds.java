package com.directuschat.chat;

import java.util.Collection;

/**
 * Which message ids one stream has sent, so that each goes out once: backfill overlaps live events on purpose, and
 * a message created through this chat reaches the tab before Directus's event for it.
 * <p>
 * The tab's <em>position</em>, where a replay for it starts (minus the overlap), is the highest id Directus has
 * confirmed to this stream: by its realtime event or by a replay's read. A message delivered straight from a send
 * on this chat (or another instance of it) is sent but does not move the position, so one that runs ahead of a
 * slower message from elsewhere never hides it.
 * <p>
 * Ids up to the position the page starts from count as sent, except those among the overlap below it that the page
 * says it does not show ({@link #shown}): on PostgreSQL such a lower id can still commit after a higher one.
 * Not thread-safe: its {@link MessageStream} guards it with its own lock.
 */
final class SentIds {

    private static final int RECENT_IDS = 512;

    private final RecentIds recent = new RecentIds(RECENT_IDS);
    /** Ids at or below it count as sent. */
    private long floor;
    /** The highest id Directus confirmed to this stream: where a replay starts (minus the overlap). */
    private long position;

    SentIds(long since) {
        this.floor = since;
        this.position = since;
    }

    /** The highest id Directus has confirmed to this stream: where a backfill starts (minus the overlap). */
    long position() {
        return position;
    }

    /** Directus confirmed {@code id} (its event, or a replay read it), whether or not it was sent already. */
    void confirm(long id) {
        position = Math.max(position, id);
    }

    /** After a data reset the browser may be ahead of Directus; it then goes live without replay. */
    void clampTo(long newest) {
        if (position > newest) {
            floor = newest;
            position = newest;
        }
    }

    /**
     * The page shows {@code ids}: those above the {@code overlap} ids below its position are claimed (the page may
     * show messages above its position that were delivered before Directus confirmed them), and none below
     * {@code oldest} are missing (0: it shows the room from its beginning); the rest of those ids may still come.
     * Before anything is sent.
     */
    void shown(int overlap, long oldest, Collection<Long> ids) {
        // Older than the page's oldest message is what it never loaded, not what committed late.
        long low = Math.max(Math.max(0, position - overlap), oldest - 1);
        if (low < floor) {
            floor = low;
        }
        ids.stream().filter(id -> id > low).sorted().forEach(this::claim);
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
        return true;
    }
}
