package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import java.util.Map;

/** The rooms as one login sees them: where a message belongs, and the room list a tab shows. */
interface RoomDirectory {

    /** The id of {@code message}'s room (the default room's for a message without one). */
    long roomOf(ChatMessage message);

    /** The room list for a tab that shows {@code current}, with these unread and mention counts. */
    String roomList(Map<Long, Integer> unread, Map<Long, Integer> mentions, ChatRoom current);
}
