package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random(42));

    @Test
    void ceilingDoublesFromTheBaseUpToTheCap() {
        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(16000));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void delaysStayWithinZeroAndTheCeiling() {
        for (int attempt = 0; attempt < 40; attempt++) {
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(attempt)).isBetween(Duration.ZERO, backoff.ceiling(attempt));
            }
        }
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        Set<Long> seconds = new HashSet<>();
        long below = 0;
        for (int i = 0; i < 500; i++) {
            long ms = backoff.delay(10).toMillis();
            seconds.add(ms / 1000);
            if (ms < 15_000) {
                below++;
            }
        }
        assertThat(seconds).hasSizeGreaterThan(25);
        assertThat(below).isBetween(200L, 300L);
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        Backoff again = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random(42));
        Backoff first = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random(42));
        for (int attempt = 0; attempt < 10; attempt++) {
            assertThat(again.delay(attempt)).isEqualTo(first.delay(attempt));
        }
    }
}
