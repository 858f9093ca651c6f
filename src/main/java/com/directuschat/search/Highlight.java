package com.directuschat.search;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's text cut into plain parts and the parts that match the query (ignoring case), so that the template
 * marks the matches with {@code <mark>} while Thymeleaf escapes every part: no markup is ever built from user text.
 */
final class Highlight {

    /** A piece of the text; {@code match}: it is the query (in the text's own case). */
    record Part(String text, boolean match) {}

    private Highlight() {}

    /** The query as a literal, case-insensitive pattern: {@code %}, {@code .} or {@code (} mean themselves. */
    static Pattern pattern(String query) {
        return Pattern.compile(Pattern.quote(query), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The text in parts, matches and the text between them, in order; an empty text has no parts. */
    static List<Part> parts(String text, Pattern query) {
        List<Part> parts = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return parts;
        }
        Matcher matcher = query.matcher(text);
        int done = 0;
        while (matcher.find()) {
            if (matcher.end() == matcher.start()) {
                break;
            }
            if (matcher.start() > done) {
                parts.add(new Part(text.substring(done, matcher.start()), false));
            }
            parts.add(new Part(matcher.group(), true));
            done = matcher.end();
        }
        if (done < text.length()) {
            parts.add(new Part(text.substring(done), false));
        }
        return parts;
    }

    static boolean anyMatch(List<Part> parts) {
        return parts.stream().anyMatch(Part::match);
    }
}
