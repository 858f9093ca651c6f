package com.directuschat.chat;

/** A message as the fragment shows it. */
record MessageView(long id, String author, String isoTime, String shortTime, String fullTime, String content) {
}
