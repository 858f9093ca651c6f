package com.directuschat.chat;

/** Who reads, what they have read, and the rooms; absent in tests that only look at delivery. */
record Reader(String userId, Unread unread, RoomDirectory rooms) {}
