package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The people directory: the chat's users by id (first and last name), for mentions. Read from Directus as the
 * requesting user ({@code GET /users}, three fields, every row), kept in memory and read again when it is older than
 * {@code chat.people-max-age} (60 s) or when a request meets an id it does not know, but then at most once per
 * {@code chat.people-unknown-reload} (10 s), so that a forged id cannot make every render call Directus. Live
 * renders ({@link Fragments}) use {@link #cached()} and never call Directus; request paths ({@link #current}) may.
 * A failed read keeps the last directory (mentions then show names a little stale, or "@unknown user").
 */
@Component
class People {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(People.class);

    /** Most suggestions the composer shows. */
    static final int MAX_SUGGESTIONS = 8;

    private final DirectusClient directus;
    private final Duration maxAge;
    private final Duration unknownReload;
    private final Clock clock;
    private volatile Directory directory = new Directory(Map.of(), Instant.EPOCH, 0);
    private volatile Instant lastAttempt = Instant.EPOCH;

    @Autowired
    People(
            DirectusClient directus,
            @Value("${chat.people-max-age:60s}") Duration maxAge,
            @Value("${chat.people-unknown-reload:10s}") Duration unknownReload) {
        this(directus, maxAge, unknownReload, Clock.systemUTC());
    }

    People(DirectusClient directus, Duration maxAge, Duration unknownReload, Clock clock) {
        this.directus = directus;
        this.maxAge = maxAge;
        this.unknownReload = unknownReload;
        this.clock = clock;
    }

    /** The directory as last read, without calling Directus (the live path). */
    Directory cached() {
        return directory;
    }

    /** The directory, read again first when it is too old (as the user of {@code tokens}). */
    Directory current(AccessTokenSource tokens) {
        return current(tokens, List.of());
    }

    /**
     * The same, also read again when one of {@code ids} is unknown and the last read is at least
     * {@code chat.people-unknown-reload} ago.
     */
    Directory current(AccessTokenSource tokens, Collection<String> ids) {
        Directory now = directory;
        Instant at = clock.instant();
        boolean old = now.loadedAt().plus(maxAge).isBefore(at);
        boolean unknown = !ids.isEmpty()
                && ids.stream().anyMatch(id -> now.name(id) == null)
                && lastAttempt.plus(unknownReload).isBefore(at);
        return old || unknown ? reload(tokens, now) : now;
    }

    private synchronized Directory reload(AccessTokenSource tokens, Directory seen) {
        if (directory != seen) {
            return directory; // another request read it meanwhile
        }
        lastAttempt = clock.instant();
        try {
            Map<String, Mentions.Person> byId = new LinkedHashMap<>();
            for (DirectusUser user : directus.users(tokens)) {
                byId.put(user.id(), new Mentions.Person(user.id(), user.firstName(), user.lastName()));
            }
            directory = new Directory(
                    Map.copyOf(byId), clock.instant(), byId.equals(seen.byId()) ? seen.version() : seen.version() + 1);
        } catch (DirectusException e) {
            log.info("The people directory could not be read from Directus: {} {}", e.status(), e.getMessage());
        }
        return directory;
    }

    /**
     * One reading of the directory. {@code version} changes only when a name or a person did, so renders cached
     * with it stay valid across reads that found nothing new.
     */
    record Directory(Map<String, Mentions.Person> byId, Instant loadedAt, long version) {

        /** "First Last" of the user, or null when the chat does not know them (or they have no name). */
        String name(String id) {
            Mentions.Person person = id == null ? null : byId.get(id);
            return person == null || person.name().isEmpty() ? null : person.name();
        }

        Collection<Mentions.Person> people() {
            return byId.values();
        }

        /**
         * At most {@link People#MAX_SUGGESTIONS} people whose first name, last name or whole name starts with
         * {@code prefix} (ignoring case), by name.
         */
        List<Mentions.Person> matching(String prefix) {
            String p = prefix.strip().toLowerCase(Locale.ROOT);
            return byId.values().stream()
                    .filter(person -> !person.name().isEmpty())
                    .filter(person ->
                            starts(person.firstName(), p) || starts(person.lastName(), p) || starts(person.name(), p))
                    .sorted(Comparator.comparing(
                                    (Mentions.Person person) -> person.name().toLowerCase(Locale.ROOT))
                            .thenComparing(Mentions.Person::id))
                    .limit(MAX_SUGGESTIONS)
                    .toList();
        }

        private static boolean starts(String part, String prefix) {
            return part != null && part.strip().toLowerCase(Locale.ROOT).startsWith(prefix);
        }
    }
}
