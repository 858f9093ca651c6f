package com.directuschat.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's text as segments of plain text and links, for the one message fragment (page and SSE alike).
 * Only {@code http://} and {@code https://} URLs become links; nothing else in the text is read as markup, and
 * every segment is still escaped by Thymeleaf's {@code th:text}.
 */
final class MessageText {

    /** A piece of a message: plain text, or a link whose text is its address ({@code href} set). */
    record Segment(String text, String href) {

        static Segment text(String text) {
            return new Segment(text, null);
        }

        static Segment link(String url) {
            return new Segment(url, url);
        }

        /** Public, for the template ({@code s.link}). */
        public boolean isLink() {
            return href != null;
        }
    }

    /**
     * A scheme at a word start, then everything up to whitespace, a control character, or one of {@code < > "}
     * (which cannot be part of a URL typed in running text). Trailing punctuation is trimmed afterwards.
     */
    private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://[^\\s\\p{Z}\\p{Cc}<>\"]+");
    /** Punctuation that ends a sentence or a clause rather than the URL. */
    private static final String TRAILING = ".,:;!?'*_~";

    private MessageText() {}

    static List<Segment> segments(String content) {
        if (content == null || content.isEmpty()) {
            return List.of();
        }
        List<Segment> segments = new ArrayList<>();
        Matcher matcher = URL.matcher(content);
        int done = 0;
        while (matcher.find()) {
            String url = trim(matcher.group());
            if (!hasHost(url)) {
                continue;
            }
            int start = matcher.start();
            if (start > done) {
                segments.add(Segment.text(content.substring(done, start)));
            }
            segments.add(Segment.link(url));
            done = start + url.length();
        }
        if (done < content.length()) {
            segments.add(Segment.text(content.substring(done)));
        }
        return List.copyOf(segments);
    }

    /**
     * Drops sentence punctuation at the end, and closing brackets that close nothing opened inside the URL:
     * {@code (see https://example.com/a).} links {@code https://example.com/a}, while
     * {@code https://en.wikipedia.org/wiki/Java_(programming_language)} keeps its parenthesis.
     */
    static String trim(String url) {
        String trimmed = url;
        while (!trimmed.isEmpty()) {
            char last = trimmed.charAt(trimmed.length() - 1);
            if (TRAILING.indexOf(last) >= 0
                    || last == ')' && unbalanced(trimmed, '(', ')')
                    || last == ']' && unbalanced(trimmed, '[', ']')
                    || last == '}' && unbalanced(trimmed, '{', '}')) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            } else {
                return trimmed;
            }
        }
        return trimmed;
    }

    private static boolean unbalanced(String url, char open, char close) {
        long opened = url.chars().filter(c -> c == open).count();
        long closed = url.chars().filter(c -> c == close).count();
        return closed > opened;
    }

    /** Something after the scheme that can start a host name ({@code [} for an IPv6 address). */
    private static boolean hasHost(String url) {
        int afterScheme = url.indexOf("://") + 3;
        if (afterScheme >= url.length()) {
            return false;
        }
        int first = url.codePointAt(afterScheme);
        return Character.isLetterOrDigit(first) || first == '[';
    }
}
