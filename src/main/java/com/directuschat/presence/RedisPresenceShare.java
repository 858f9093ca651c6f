package com.directuschat.presence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Presence in Redis: per room a sorted set {@code <namespace>:room:<id>} whose members are {@code <instance>\n<user
 * id>\n<name>}, scored with the time (epoch ms) the entry expires; an instance refreshes its own members' scores
 * with every heartbeat, and a read drops the expired ones. The set itself expires when no instance refreshes it.
 * Signals (a room's list changed, someone types or stopped) go over the channel {@code <namespace>:signals}, as
 * {@code <kind>\n<instance>\n<room>\n<user id>\n<name>}. The subscription is Spring's listener container, which
 * subscribes again by itself after Redis was away.
 */
final class RedisPresenceShare implements PresenceShare {

    private static final Logger log = LoggerFactory.getLogger(RedisPresenceShare.class);

    private final StringRedisTemplate redis;
    private final RedisConnectionFactory connections;
    private final String namespace;
    private final String channel;
    private volatile Consumer<Signal> listener;
    /** Null until subscribed; guarded by this. */
    private RedisMessageListenerContainer container;

    private boolean closed;

    RedisPresenceShare(StringRedisTemplate redis, RedisConnectionFactory connections, String namespace) {
        this.redis = redis;
        this.connections = connections;
        this.namespace = namespace;
        this.channel = namespace + ":signals";
    }

    String key(long room) {
        return namespace + ":room:" + room;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void put(String instance, Collection<Member> members, Instant expires) {
        Map<Long, Set<ZSetOperations.TypedTuple<String>>> byRoom = new LinkedHashMap<>();
        for (Member member : members) {
            byRoom.computeIfAbsent(member.room(), room -> new HashSet<>())
                    .add(ZSetOperations.TypedTuple.of(
                            encode(instance, member.userId(), member.name()), (double) expires.toEpochMilli()));
        }
        // Twice the time to the entries' expiry: a room nobody refreshes goes, a live one never does.
        Duration life = Duration.between(Instant.now(), expires).multipliedBy(2);
        Duration keyLife = life.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : life;
        byRoom.forEach((room, tuples) -> {
            redis.opsForZSet().add(key(room), tuples);
            redis.expire(key(room), keyLife);
        });
    }

    @Override
    public void remove(String instance, Collection<Member> members) {
        for (Member member : members) {
            redis.opsForZSet().remove(key(member.room()), encode(instance, member.userId(), member.name()));
        }
    }

    @Override
    public List<Shared> read(Collection<Long> rooms, Instant now) {
        List<Shared> found = new ArrayList<>();
        double at = now.toEpochMilli();
        for (long room : rooms) {
            redis.opsForZSet().removeRangeByScore(key(room), Double.NEGATIVE_INFINITY, at);
            Set<String> members = redis.opsForZSet().rangeByScore(key(room), at, Double.POSITIVE_INFINITY);
            for (String member : members == null ? Set.<String>of() : members) {
                String[] parts = member.split("\n", 3);
                if (parts.length == 3) {
                    found.add(new Shared(parts[0], room, parts[1], parts[2]));
                }
            }
        }
        return found;
    }

    @Override
    public void publish(Signal signal) {
        redis.convertAndSend(
                channel,
                signal.kind() + "\n" + signal.instance() + "\n" + signal.room() + "\n"
                        + (signal.userId() == null ? "" : signal.userId()) + "\n"
                        + (signal.name() == null ? "" : signal.name()));
    }

    @Override
    public void subscribe(Consumer<Signal> listener) {
        this.listener = listener;
    }

    /**
     * Subscribes, the first time and again after a first try failed (a container whose start failed is not
     * reused). Once subscribed, the container itself subscribes again after Redis was away.
     */
    @Override
    public synchronized void connect() {
        if (container != null || closed || listener == null) {
            return;
        }
        RedisMessageListenerContainer subscription = new RedisMessageListenerContainer();
        subscription.setConnectionFactory(connections);
        subscription.setBeanName("presence-signals");
        subscription.afterPropertiesSet();
        subscription.addMessageListener(
                (message, pattern) -> {
                    Signal signal = decode(new String(message.getBody(), StandardCharsets.UTF_8));
                    if (signal != null) {
                        listener.accept(signal);
                    }
                },
                new ChannelTopic(channel));
        try {
            subscription.start();
        } catch (RuntimeException e) {
            stop(subscription);
            throw e;
        }
        container = subscription;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (container != null) {
            stop(container);
            container = null;
        }
    }

    private static void stop(RedisMessageListenerContainer subscription) {
        try {
            subscription.destroy();
        } catch (Exception e) {
            log.debug("Closing the presence subscription: {}", e.toString());
        }
    }

    private static String encode(String instance, String userId, String name) {
        return instance + "\n" + userId + "\n" + name;
    }

    /** A signal, or null for anything else on the channel. */
    static Signal decode(String text) {
        String[] parts = text.split("\n", 5);
        if (parts.length != 5) {
            return null;
        }
        try {
            Signal.Kind kind = Signal.Kind.valueOf(parts[0]);
            long room = Long.parseLong(parts[2]);
            return new Signal(
                    kind, parts[1], room, parts[3].isEmpty() ? null : parts[3], parts[4].isEmpty() ? null : parts[4]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
