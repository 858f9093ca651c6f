package com.directuschat.chat;

/** Checks a typed message before it is sent. */
final class MessageDraft {

    private MessageDraft() {
    }

    /** Why {@code content} cannot be sent, or null when it can. */
    static String problem(String content, int maxCodePoints) {
        if (content == null || content.isBlank()) {
            return "Type a message first.";
        }
        int length = content.strip().codePointCount(0, content.strip().length());
        if (length > maxCodePoints) {
            return String.format("Your message is %,d characters long; the limit is %,d. Shorten it and send again.",
                    length, maxCodePoints);
        }
        return null;
    }
}
