package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a room's page opens with: the newest ones, or, for a link to one message ({@code ?around=<id>}, from
 * search), a window around it. {@code historyBefore}: the first id shown when there are older ones ("Load earlier
 * messages"); {@code newerAfter}: the last id shown when the window does not reach the newest message ("Load newer
 * messages"); {@code position}: where the page's stream starts, the newest id there is either way, so the stream
 * never replays the gap that the newer pages fill.
 */
record MessageWindow(List<ChatMessage> messages, Long historyBefore, Long newerAfter, long position) {

    /** The newest {@code size} messages. */
    static MessageWindow latest(DirectusClient directus, AccessTokenSource tokens, ChatRoom room, int size) {
        // One more than shown: whether there is anything older decides between the button and "the beginning".
        List<ChatMessage> history = directus.latestMessages(tokens, room, size + 1);
        boolean older = history.size() > size;
        if (older) {
            history = history.subList(1, history.size());
        }
        long lastId = history.isEmpty() ? 0 : history.get(history.size() - 1).id();
        return new MessageWindow(history, older ? history.get(0).id() : null, null, lastId);
    }

    /**
     * Up to {@code side} messages up to and including {@code around} and up to {@code side} after it. When that
     * reaches the newest message, it is an ordinary page (no "Load newer messages").
     */
    static MessageWindow around(
            DirectusClient directus, AccessTokenSource tokens, ChatRoom room, long around, int side) {
        List<ChatMessage> upTo = directus.messagesBefore(tokens, room, around + 1, side + 1);
        boolean older = upTo.size() > side;
        List<ChatMessage> messages = new ArrayList<>(older ? upTo.subList(1, upTo.size()) : upTo);
        List<ChatMessage> after = directus.messagesAfter(tokens, room, around, side + 1);
        boolean newer = after.size() > side;
        messages.addAll(newer ? after.subList(0, side) : after);
        long lastId = messages.isEmpty() ? 0 : messages.get(messages.size() - 1).id();
        long position = lastId;
        if (newer) {
            List<ChatMessage> newest = directus.latestMessages(tokens, room, 1);
            position =
                    newest.isEmpty() ? lastId : Math.max(lastId, newest.get(0).id());
        }
        return new MessageWindow(
                List.copyOf(messages), older ? messages.get(0).id() : null, newer ? lastId : null, position);
    }
}
