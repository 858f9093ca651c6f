package com.directuschat.chat;

import java.util.List;

/**
 * A message as the fragment shows it; {@code segments} is its content split into text and links
 * ({@link MessageText}), so the page and live events render links the same way. {@code authorId} decides, with the
 * viewer's id, whether the message gets its Edit and Delete buttons; {@code version} is its {@code date_updated} in
 * epoch milliseconds (0 while never edited), so that a page can tell a newer copy from an older one.
 */
record MessageView(
        long id,
        String author,
        String isoTime,
        String shortTime,
        String fullTime,
        String content,
        List<MessageText.Segment> segments,
        String authorId,
        String editedTime,
        long version) {

    MessageView(long id, String author, String isoTime, String shortTime, String fullTime, String content) {
        this(id, author, isoTime, shortTime, fullTime, content, MessageText.segments(content), null, null, 0);
    }

    /** How many avatar colours the style sheet has ({@code .avatar-0} to {@code .avatar-7}). */
    static final int AVATAR_COLOURS = 8;

    /** Public, for the template ({@code m.edited}). */
    public boolean edited() {
        return version != 0;
    }

    /**
     * The author's initials for their avatar: the first letters of the first and the last word of their name
     * ("Alice Example": "AE"; "Cher": "C"), whole characters (an emoji or a surrogate pair stays whole), "?" for a
     * name with no letters.
     */
    public String initials() {
        String[] words = author == null ? new String[0] : author.strip().split("\\s+");
        StringBuilder out = new StringBuilder();
        for (String word : words.length > 1 ? new String[] {words[0], words[words.length - 1]} : words) {
            word.codePoints()
                    .filter(Character::isLetterOrDigit)
                    .findFirst()
                    .ifPresent(c -> out.appendCodePoint(Character.toUpperCase(c)));
        }
        return out.isEmpty() ? "?" : out.toString();
    }

    /**
     * The avatar's colour, one of {@link #AVATAR_COLOURS}, derived from the author's id (their name where the id is
     * unknown), so one person has one colour on every page and in every instance ({@code String.hashCode} is fixed
     * by the language).
     */
    public int avatarColour() {
        String key = authorId != null ? authorId : author == null ? "" : author;
        return Math.floorMod(key.hashCode(), AVATAR_COLOURS);
    }
}
