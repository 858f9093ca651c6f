package com.directuschat.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Mentions in a message's text. Stored, a mention is the token {@code <@USER_ID>} (the Directus user id), so a later
 * rename shows the new name; typed, it is "@First Last". {@link #resolve} turns typed names into tokens when sending
 * or editing, {@link #editable} turns tokens back into names for the editor, and {@link MessageText} renders them.
 */
final class Mentions {

    /** How a mention of a user who is not in the people directory reads. */
    static final String UNKNOWN = "unknown user";

    /** A stored mention: {@code <@…>} around an id (letters, digits, {@code -} and {@code _}, at most 64). */
    static final Pattern TOKEN = Pattern.compile("<@([A-Za-z0-9_-]{1,64})>");

    private Mentions() {}

    /** The ids a stored text mentions, in order, each once. */
    static Set<String> ids(String content) {
        Set<String> ids = new java.util.LinkedHashSet<>();
        if (content != null) {
            Matcher token = TOKEN.matcher(content);
            while (token.find()) {
                ids.add(token.group(1));
            }
        }
        return ids;
    }

    /** Whether the stored text mentions {@code userId}. */
    static boolean mentions(String content, String userId) {
        return content != null && userId != null && content.contains("<@" + userId + ">");
    }

    /**
     * The text with each "@First Last" that names exactly one of {@code people} turned into its token. The longest
     * name that matches wins ("@Bob Example" before "@Bob"), ignoring case; a letter or digit must not follow it nor
     * come right before the {@code @} (an email address is no mention, nor is {@code @@name}), and nothing inside a link is read. A name
     * that several people share resolves to the one among {@code picked} (the ids the composer's suggestions chose,
     * or those the edited message mentioned), else stays text.
     */
    static String resolve(String text, Collection<Person> people, Collection<String> picked) {
        if (text == null || text.indexOf('@') < 0 || people.isEmpty()) {
            return text;
        }
        Map<String, List<Person>> byName = people.stream()
                .filter(p -> !p.name().isEmpty())
                .collect(Collectors.groupingBy(p -> p.name().toLowerCase(java.util.Locale.ROOT)));
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(Comparator.comparingInt(String::length).reversed());
        List<int[]> links = MessageText.links(text);
        StringBuilder out = new StringBuilder();
        int done = 0;
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            if (at < done || inside(links, at) || at > 0 && !canPrecede(text.charAt(at - 1))) {
                continue;
            }
            for (String name : names) {
                int end = at + 1 + name.length();
                if (text.regionMatches(true, at + 1, name, 0, name.length())
                        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
                    String id = pick(byName.get(name), picked);
                    if (id != null) {
                        out.append(text, done, at).append("<@").append(id).append('>');
                        done = end;
                    }
                    break;
                }
            }
        }
        return out.append(text, done, text.length()).toString();
    }

    /**
     * The same, asking for the people only when the text has an {@code @} at all: on the send path the directory
     * may need a Directus read, which a message without a mention must not wait for.
     */
    static String resolve(
            String text, java.util.function.Supplier<Collection<Person>> people, Collection<String> picked) {
        return text == null || text.indexOf('@') < 0 ? text : resolve(text, people.get(), picked);
    }

    /** What may come right before a mention's {@code @}: not a letter, a digit, {@code @} or {@code <}. */
    private static boolean canPrecede(char c) {
        return !Character.isLetterOrDigit(c) && c != '@' && c != '<';
    }

    private static String pick(List<Person> named, Collection<String> picked) {
        if (named.size() == 1) {
            return named.get(0).id();
        }
        List<String> chosen =
                named.stream().map(Person::id).filter(picked::contains).toList();
        return chosen.size() == 1 ? chosen.get(0) : null;
    }

    /** The stored text as the editor shows it: tokens of known people as "@First Last", unknown ones as they are. */
    static String editable(String content, java.util.function.Function<String, String> names) {
        if (content == null) {
            return "";
        }
        return TOKEN.matcher(content).replaceAll(token -> {
            String name = names.apply(token.group(1));
            return Matcher.quoteReplacement(name == null ? token.group() : "@" + name);
        });
    }

    private static boolean inside(List<int[]> ranges, int at) {
        return ranges.stream().anyMatch(r -> at >= r[0] && at < r[1]);
    }

    /** One of the chat's users, as the people directory holds them. */
    record Person(String id, String firstName, String lastName) {

        /** "First Last", either part left out when empty; empty when both are. */
        public String name() {
            return java.util.stream.Stream.of(firstName, lastName)
                    .filter(part -> part != null && !part.isBlank())
                    .map(String::strip)
                    .collect(Collectors.joining(" "));
        }
    }
}
