package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.provision.DemoHistory.Seed;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoHistoryTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Test
    void aboutThreeHundredMessagesInAllRoomsByAllDemoUsersOldestFirst() {
        Instant now = ZonedDateTime.of(2026, 11, 28, 14, 5, 0, 0, ZONE).toInstant();
        List<Seed> seeds = DemoHistory.plan(now, ZONE);

        assertThat(seeds).hasSizeBetween(250, 350);
        assertThat(seeds)
                .hasSize(DemoHistory.conversations().stream()
                        .mapToInt(c -> c.lines().size())
                        .sum());
        for (int i = 1; i < seeds.size(); i++) {
            assertThat(seeds.get(i).at())
                    .as("message %d", i)
                    .isAfter(seeds.get(i - 1).at());
        }
        assertThat(seeds.get(0).at()).isAfterOrEqualTo(now.minus(DemoHistory.SPAN));
        assertThat(seeds.get(seeds.size() - 1).at()).isBefore(now).isAfter(now.minus(Duration.ofHours(2)));

        Map<String, Long> perRoom = count(seeds, Seed::room);
        assertThat(perRoom.keySet()).containsExactlyInAnyOrder("general", "random", "dev");
        assertThat(perRoom.values()).allSatisfy(n -> assertThat(n).isGreaterThan(50));
        assertThat(perRoom.get("general"))
                .as("more than one page (chat.history-size)")
                .isGreaterThan(100);
        Map<ChatUser, Long> perAuthor = count(seeds, Seed::author);
        assertThat(perAuthor.keySet()).containsExactlyInAnyOrderElementsOf(ChatUser.DEMO_USERS);
        assertThat(perAuthor.values()).allSatisfy(n -> assertThat(n).isGreaterThan(50));
        assertThat(seeds).filteredOn(s -> s.content().contains("https://")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(seeds)
                .allSatisfy(s -> assertThat(s.content())
                        .isNotBlank()
                        .doesNotStartWith(" ")
                        .hasSizeLessThan(300));
    }

    @Test
    void spreadOverFourDaysWithBurstsAndPauses() {
        Instant now = ZonedDateTime.of(2026, 11, 28, 14, 5, 0, 0, ZONE).toInstant();
        List<Seed> seeds = DemoHistory.plan(now, ZONE);

        Map<LocalDate, Long> perDay = count(seeds, s -> LocalDate.ofInstant(s.at(), ZONE));
        LocalDate today = LocalDate.ofInstant(now, ZONE);
        assertThat(perDay.keySet()).contains(today, today.minusDays(1), today.minusDays(2), today.minusDays(3));
        assertThat(perDay.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
        assertThat(perDay.get(today.minusDays(1))).isGreaterThan(40);

        int bursts = 0;
        int newGroups = 0;
        for (int i = 1; i < seeds.size(); i++) {
            Seed previous = seeds.get(i - 1);
            Seed seed = seeds.get(i);
            Duration gap = Duration.between(previous.at(), seed.at());
            if (seed.author().equals(previous.author())
                    && seed.room().equals(previous.room())
                    && gap.compareTo(Duration.ofMinutes(1)) < 0) {
                bursts++;
            }
            if (seed.room().equals(previous.room()) && gap.compareTo(Duration.ofMinutes(5)) > 0) {
                newGroups++;
            }
        }
        assertThat(bursts)
                .as("a second message by the same author within a minute")
                .isGreaterThan(30);
        assertThat(newGroups).as("pauses of more than 5 minutes").isGreaterThan(20);
    }

    @Test
    void rightAfterMidnightTodayStillHasMessagesAndNoneIsInTheFuture() {
        Instant now = ZonedDateTime.of(2026, 11, 28, 0, 20, 0, 0, ZONE).toInstant();
        List<Seed> seeds = DemoHistory.plan(now, ZONE);

        assertThat(seeds).allSatisfy(s -> assertThat(s.at()).isBefore(now));
        assertThat(seeds)
                .filteredOn(s -> LocalDate.ofInstant(s.at(), ZONE).equals(LocalDate.ofInstant(now, ZONE)))
                .isNotEmpty();
    }

    @Test
    void samePlanForTheSameMoment() {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertThat(DemoHistory.plan(now, ZONE)).isEqualTo(DemoHistory.plan(now, ZONE));
    }

    private static <K> Map<K, Long> count(List<Seed> seeds, Function<Seed, K> key) {
        return seeds.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }
}
