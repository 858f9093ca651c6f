package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.util.List;

/**
 * Tells the other instances of the chat what this one created, edited or deleted, so that they deliver it without
 * waiting for Directus's per-subscriber fan-out; and hands what they publish to a {@link Receiver}. Best effort:
 * Directus's events deliver whatever is lost here. Without Redis there are no other instances to tell.
 */
interface FanOutRelay {

    /** What another instance published. */
    interface Receiver {

        void created(ChatMessage message);

        void updated(ChatMessage message);

        void deleted(List<Long> ids);
    }

    void created(ChatMessage message);

    void updated(ChatMessage message);

    void deleted(List<Long> ids);

    void onRemote(Receiver receiver);

    /** One instance alone: nobody to tell. */
    FanOutRelay NONE = new FanOutRelay() {
        @Override
        public void created(ChatMessage message) {}

        @Override
        public void updated(ChatMessage message) {}

        @Override
        public void deleted(List<Long> ids) {}

        @Override
        public void onRemote(Receiver receiver) {}
    };
}
