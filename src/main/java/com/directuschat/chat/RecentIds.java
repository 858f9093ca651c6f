package com.directuschat.chat;

import java.util.Arrays;

/**
 * The ids last sent to one stream, at most {@code limit}, as a sorted {@code long[]}: 8 bytes an id where a
 * {@code TreeSet<Long>} takes about 56. Ids mostly arrive in ascending order, so adding is an append.
 */
final class RecentIds {

    private static final int INITIAL = 16;

    private final int limit;
    private long[] ids = new long[INITIAL];
    private int size;

    RecentIds(int limit) {
        this.limit = limit;
    }

    boolean contains(long id) {
        return Arrays.binarySearch(ids, 0, size, id) >= 0;
    }

    /** Adds an id not yet contained; past the limit removes and returns the lowest, else returns -1. */
    long add(long id) {
        int at = -Arrays.binarySearch(ids, 0, size, id) - 1;
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, Math.min(limit + 1, ids.length * 2));
        }
        System.arraycopy(ids, at, ids, at + 1, size - at);
        ids[at] = id;
        size++;
        if (size <= limit) {
            return -1;
        }
        long lowest = ids[0];
        System.arraycopy(ids, 1, ids, 0, --size);
        return lowest;
    }

    int size() {
        return size;
    }
}
