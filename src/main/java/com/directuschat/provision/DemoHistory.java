package com.directuschat.provision;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Demo content for the embedded Directus: the rooms general, random and dev, and about 300 messages by the demo
 * users spread over the last four days (conversations from {@code demo-history.txt}). Seeded only while the
 * messages collection is empty, so a second start adds nothing.
 * <p>
 * Directus 12.4 stamps {@code date_created} and {@code user_created} (specials {@code date-created},
 * {@code user-created}) on every create, also for an admin who sends them, and stamps {@code date_updated}
 * (special {@code date-updated}) on every update, also when the update sets it to null. So the history is created
 * in one bulk request with those two specials taken off the fields for that request and put back exactly as they
 * were right after ({@link StampedFields}; other specials, e.g. SQLite's {@code cast-timestamp}, stay on): the
 * messages get their dates and authors, and {@code date_updated} stays null (never edited). A start that died in
 * between is repaired by the next one, before anything else.
 */
public final class DemoHistory {

    /** A room to create; general is also created by {@link DirectusProvisioner#provision()}. */
    public record Room(String slug, String name, String description) {}

    /** One message to create, at {@code at}. */
    public record Seed(String room, ChatUser author, String content, Instant at) {}

    record Conversation(String room, List<Line> lines) {}

    record Line(ChatUser author, String content) {}

    public static final List<Room> ROOMS = List.of(
            new Room(
                    DirectusProvisioner.DEFAULT_ROOM,
                    "General",
                    "Everything else. Messages posted without a room land here."),
            new Room("random", "Random", "Off topic: links, pets, books and weekend plans."),
            new Room("dev", "Dev", "Builds, bugs and code review of the chat itself."));

    static final Duration SPAN = Duration.ofDays(4);
    private static final LocalTime DAY_START = LocalTime.of(7, 30);
    private static final LocalTime DAY_END = LocalTime.of(23, 0);
    /** Always active, whatever the hour: so "Today" has messages even right after midnight. */
    private static final Duration RECENT = Duration.ofMinutes(75);

    private static final Duration NEWEST_AGE = Duration.ofMinutes(2);
    private static final Duration LAST_CONVERSATION = Duration.ofMinutes(15);
    private static final long RANDOM_SEED = 20261128L;
    private static final String RESOURCE = "demo-history.txt";

    private static final Logger log = LoggerFactory.getLogger(DemoHistory.class);

    private final DirectusAdminClient client;

    DemoHistory(DirectusAdminClient client) {
        this.client = client;
    }

    /** Rooms and history when there are no messages yet; returns how many messages were created (0: none). */
    int seed(DirectusProvisioner provisioner, Instant now, ZoneId zone) {
        StampedFields stamps = new StampedFields(client);
        Map<String, List<String>> specials = stamps.currentRepaired();
        if (client.get("/items/" + DirectusProvisioner.MESSAGES + "?fields=id&limit=1")
                        .size()
                > 0) {
            return 0;
        }
        Map<String, Long> rooms = new HashMap<>();
        for (Room room : ROOMS) {
            rooms.put(room.slug(), provisioner.ensureRoom(room.slug(), room.name(), room.description()));
        }
        Map<String, String> authors = demoUserIds();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Seed seed : plan(now, zone)) {
            items.add(Map.of(
                    "content",
                    seed.content(),
                    "room",
                    rooms.get(seed.room()),
                    "user_created",
                    authors.get(seed.author().email().toLowerCase(Locale.ROOT)),
                    "date_created",
                    seed.at().toString()));
        }
        JsonNode created = stamps.offDuring(
                specials, () -> client.post("/items/" + DirectusProvisioner.MESSAGES + "?fields=id", items));
        log.info(
                "Seeded the demo history: {} messages in rooms {}",
                created.size(),
                ROOMS.stream().map(Room::slug).toList());
        return created.size();
    }

    /** The messages to create, oldest first, at strictly ascending times between {@code now - ~4 days} and now. */
    public static List<Seed> plan(Instant now, ZoneId zone) {
        List<Conversation> conversations = conversations();
        Instant end = now.minus(NEWEST_AGE).truncatedTo(ChronoUnit.SECONDS);
        List<Instant[]> active = activeIntervals(end.minus(SPAN).plus(NEWEST_AGE), end, zone);
        long activeSeconds = active.stream()
                .mapToLong(i -> Duration.between(i[0], i[1]).toSeconds())
                .sum();
        long slot = activeSeconds / conversations.size();
        Random random = new Random(RANDOM_SEED);
        List<Seed> seeds = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (int c = 0; c < conversations.size(); c++) {
            Conversation conversation = conversations.get(c);
            Instant start = at(active, c * slot + (long) (random.nextDouble() * slot * 0.25));
            long[] offsets = offsets(conversation.lines(), random);
            long last = offsets[offsets.length - 1];
            // At most 70% of a slot, so conversations do not overlap; the newest one ends at the end, so that
            // "Today" has messages at any hour (bar the first minutes after midnight).
            boolean newest = c == conversations.size() - 1;
            double limit = newest ? Math.min(slot * 0.7, LAST_CONVERSATION.toSeconds()) : slot * 0.7;
            double scale = last > limit ? limit / last : 1;
            if (newest) {
                start = end.minusSeconds(Math.round(last * scale));
            }
            for (int i = 0; i < offsets.length; i++) {
                Instant at = start.plusSeconds(Math.round(offsets[i] * scale));
                if (!at.isAfter(previous)) {
                    at = previous.plusSeconds(1);
                }
                Line line = conversation.lines().get(i);
                seeds.add(new Seed(conversation.room(), line.author(), line.content(), at));
                previous = at;
            }
        }
        return seeds;
    }

    /** Seconds from a conversation's first line: a burst by one author, replies after up to a few minutes. */
    private static long[] offsets(List<Line> lines, Random random) {
        long[] offsets = new long[lines.size()];
        for (int i = 1; i < lines.size(); i++) {
            boolean sameAuthor = lines.get(i).author().equals(lines.get(i - 1).author());
            long gap;
            if (sameAuthor) {
                gap = 4 + random.nextInt(45);
            } else if (random.nextInt(8) == 0) {
                gap = 300 + random.nextInt(600); // came back later: a new group
            } else {
                gap = 15 + random.nextInt(200);
            }
            offsets[i] = offsets[i - 1] + gap;
        }
        return offsets;
    }

    /** Waking hours of each day between from and to, plus the last minutes before to; sorted, not overlapping. */
    private static List<Instant[]> activeIntervals(Instant from, Instant to, ZoneId zone) {
        List<Instant[]> intervals = new ArrayList<>();
        Instant recent = to.minus(RECENT);
        for (LocalDate day = LocalDate.ofInstant(from, zone);
                !day.isAfter(LocalDate.ofInstant(to, zone));
                day = day.plusDays(1)) {
            Instant start = max(day.atTime(DAY_START).atZone(zone).toInstant(), from);
            Instant stop = min(day.atTime(DAY_END).atZone(zone).toInstant(), recent);
            if (start.isBefore(stop)) {
                intervals.add(new Instant[] {start, stop});
            }
        }
        Instant recentStart =
                intervals.isEmpty() ? recent : max(recent, intervals.get(intervals.size() - 1)[1]);
        intervals.add(new Instant[] {recentStart, to});
        return intervals;
    }

    /** The instant {@code seconds} of active time after the start of the first interval. */
    private static Instant at(List<Instant[]> intervals, long seconds) {
        long left = seconds;
        for (Instant[] interval : intervals) {
            long length = Duration.between(interval[0], interval[1]).toSeconds();
            if (left < length) {
                return interval[0].plusSeconds(left);
            }
            left -= length;
        }
        return intervals.get(intervals.size() - 1)[1];
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static List<Conversation> conversations() {
        Map<String, ChatUser> authors = new HashMap<>();
        ChatUser.DEMO_USERS.forEach(u ->
                authors.put(u.email().substring(0, u.email().indexOf('@')), u));
        List<String> slugs = ROOMS.stream().map(Room::slug).toList();
        List<Conversation> conversations = new ArrayList<>();
        try (InputStream in = DemoHistory.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Line> lines = null;
            int number = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank() || text.startsWith("#")) {
                    continue;
                }
                if (text.startsWith("== ")) {
                    String room = text.substring(3).trim();
                    if (!slugs.contains(room)) {
                        throw new IllegalStateException(RESOURCE + ":" + number + ": unknown room " + room);
                    }
                    lines = new ArrayList<>();
                    conversations.add(new Conversation(room, lines));
                    continue;
                }
                int colon = text.indexOf(": ");
                ChatUser author = colon < 0 ? null : authors.get(text.substring(0, colon));
                if (author == null || lines == null) {
                    throw new IllegalStateException(RESOURCE + ":" + number + ": expected \"author: text\" in a"
                            + " conversation, author one of " + authors.keySet());
                }
                lines.add(new Line(author, text.substring(colon + 2).strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conversations;
    }

    private Map<String, String> demoUserIds() {
        List<String> emails = ChatUser.DEMO_USERS.stream()
                .map(u -> u.email().toLowerCase(Locale.ROOT))
                .toList();
        Map<String, String> ids = new HashMap<>();
        client.rows("/users", "id,email", Map.of("email", Map.of("_in", emails)))
                .forEach(u -> ids.put(
                        u.path("email").asString().toLowerCase(Locale.ROOT),
                        u.path("id").asString()));
        for (String email : emails) {
            if (!ids.containsKey(email)) {
                throw new ProvisionException("Demo user " + email + " is missing; provision with demo users first");
            }
        }
        return ids;
    }
}
