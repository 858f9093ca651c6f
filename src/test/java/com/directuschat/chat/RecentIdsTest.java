package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RecentIdsTest {

    @Test
    void keepsTheHighestIdsAndEvictsTheLowestLikeASortedSet() {
        RecentIds ids = new RecentIds(64);
        TreeSet<Long> expected = new TreeSet<>();
        List<Long> order = new ArrayList<>();
        for (long id = 1; id <= 1000; id++) {
            order.add(id);
        }
        // Mostly ascending with local reordering, as backfill and live events interleave.
        Random random = new Random(7);
        for (int i = 0; i + 5 < order.size(); i += 5) {
            Collections.shuffle(order.subList(i, i + 5), random);
        }
        for (long id : order) {
            assertThat(ids.contains(id)).isEqualTo(expected.contains(id));
            expected.add(id);
            long evicted = ids.add(id);
            if (expected.size() > 64) {
                assertThat(evicted).isEqualTo(expected.pollFirst());
            } else {
                assertThat(evicted).isEqualTo(-1);
            }
            assertThat(ids.size()).isEqualTo(expected.size());
        }
        expected.forEach(id -> assertThat(ids.contains(id)).isTrue());
        assertThat(ids.contains(expected.first() - 1)).isFalse();
    }
}
