package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link FanOutRelay} over Redis pub/sub: one channel, every instance publishes there and listens to it, and drops
 * its own. The payload is the message as the create or edit answered it, so the others need no read; deletes carry
 * ids. Publishing never fails the send: a refused or lost publish is logged (once until one succeeds again).
 */
final class RedisFanOutRelay implements FanOutRelay, MessageListener {

    private static final Logger log = LoggerFactory.getLogger(RedisFanOutRelay.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What goes over the channel. */
    record Change(String origin, String kind, ChatMessage message, List<Long> ids) {}

    private final StringRedisTemplate redis;
    private final String channel;
    private final Executor publisher;
    private final String origin = UUID.randomUUID().toString();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Receiver receiver;

    /** {@code publisher}: where publishes run, one after another, so a slow Redis never holds up a send. */
    RedisFanOutRelay(StringRedisTemplate redis, String channel, Executor publisher) {
        this.redis = redis;
        this.channel = channel;
        this.publisher = publisher;
    }

    String channel() {
        return channel;
    }

    @Override
    public void created(ChatMessage message) {
        publish(new Change(origin, "created", message, null));
    }

    @Override
    public void updated(ChatMessage message) {
        publish(new Change(origin, "updated", message, null));
    }

    @Override
    public void deleted(List<Long> ids) {
        publish(new Change(origin, "deleted", null, List.copyOf(ids)));
    }

    @Override
    public void onRemote(Receiver receiver) {
        this.receiver = receiver;
    }

    private void publish(Change change) {
        String json = JSON.writeValueAsString(change);
        publisher.execute(() -> {
            try {
                redis.convertAndSend(channel, json);
                if (failing.compareAndSet(true, false)) {
                    log.info("Publishing changes to the other instances works again");
                }
            } catch (RuntimeException e) {
                if (failing.compareAndSet(false, true)) {
                    log.warn(
                            "Publishing a change to the other instances failed ({}); they get it from Directus",
                            e.toString());
                }
            }
        });
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        Receiver to = receiver;
        Change change;
        try {
            change = JSON.readValue(new String(message.getBody(), StandardCharsets.UTF_8), Change.class);
        } catch (RuntimeException e) {
            log.warn("Ignoring an unreadable change on {}: {}", channel, e.toString());
            return;
        }
        if (to == null || origin.equals(change.origin()) || change.kind() == null) {
            return;
        }
        switch (change.kind()) {
            case "created" -> {
                if (change.message() != null) {
                    to.created(change.message());
                }
            }
            case "updated" -> {
                if (change.message() != null) {
                    to.updated(change.message());
                }
            }
            case "deleted" -> {
                if (change.ids() != null && !change.ids().isEmpty()) {
                    to.deleted(change.ids());
                }
            }
            default -> log.debug("Ignoring a change of kind {}", change.kind());
        }
    }
}
