package com.directuschat.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's text as segments of plain text, links and mentions, for the one message fragment (page and SSE
 * alike). Only {@code http://} and {@code https://} URLs become links, and only a stored token {@code <@USER_ID>}
 * outside a link becomes a mention ({@link Mentions}); nothing else in the text is read as markup, and every segment
 * is still escaped by Thymeleaf's {@code th:text}.
 */
final class MessageText {

    /**
     * A piece of a message: plain text, a link whose text is its address ({@code href} set), or a mention of the
     * user {@code userId} whose text is "@First Last" ({@code known} false: "@unknown user").
     */
    record Segment(String text, String href, String userId, boolean known) {

        Segment(String text, String href) {
            this(text, href, null, false);
        }

        static Segment text(String text) {
            return new Segment(text, null);
        }

        static Segment link(String url) {
            return new Segment(url, url);
        }

        /** A mention of {@code userId}, by {@code name} (null: not a user the chat knows). */
        static Segment mention(String userId, String name) {
            return name == null
                    ? new Segment("@" + Mentions.UNKNOWN, null, userId, false)
                    : new Segment("@" + name, null, userId, true);
        }

        /** Public, for the template ({@code s.link}). */
        public boolean isLink() {
            return href != null;
        }

        /** Public, for the template ({@code s.mention}). */
        public boolean isMention() {
            return userId != null;
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
        return segments(content, id -> null);
    }

    /** The segments, with each mention named by {@code names} (a user id to "First Last", or null: unknown). */
    static List<Segment> segments(String content, Function<String, String> names) {
        if (content == null || content.isEmpty()) {
            return List.of();
        }
        List<Segment> segments = new ArrayList<>();
        int done = 0;
        for (int[] link : links(content)) {
            if (link[0] > done) {
                plain(content.substring(done, link[0]), names, segments);
            }
            segments.add(Segment.link(content.substring(link[0], link[1])));
            done = link[1];
        }
        if (done < content.length()) {
            plain(content.substring(done), names, segments);
        }
        return List.copyOf(segments);
    }

    /** Where the links are in {@code content}: each one's start and end (exclusive), in order. */
    static List<int[]> links(String content) {
        List<int[]> links = new ArrayList<>();
        Matcher matcher = URL.matcher(content);
        while (matcher.find()) {
            String url = trim(matcher.group());
            if (hasHost(url)) {
                links.add(new int[] {matcher.start(), matcher.start() + url.length()});
            }
        }
        return links;
    }

    /** Text outside links: plain text and mention tokens. */
    private static void plain(String text, Function<String, String> names, List<Segment> segments) {
        Matcher token = Mentions.TOKEN.matcher(text);
        int done = 0;
        while (token.find()) {
            if (token.start() > done) {
                segments.add(Segment.text(text.substring(done, token.start())));
            }
            segments.add(Segment.mention(token.group(1), names.apply(token.group(1))));
            done = token.end();
        }
        if (done < text.length()) {
            segments.add(Segment.text(text.substring(done)));
        }
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
