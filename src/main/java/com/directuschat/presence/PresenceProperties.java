package com.directuschat.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Timing of the online list and the typing line. Only with Redis do the intervals cost anything: each instance
 * refreshes its users' entries every {@code heartbeatInterval} and re-reads the rooms its users are in every
 * {@code pollInterval}; everything else goes out at once, over pub/sub. Directus is not involved at all.
 *
 * @param heartbeatInterval how often an instance refreshes its online users' entries in Redis
 * @param expiry an entry not refreshed for this long no longer counts (its instance stopped without leaving); must
 *        be longer than {@code heartbeatInterval}, so that one late heartbeat drops nobody
 * @param pollInterval how often an instance re-reads its rooms' lists in Redis, to see the entries of an instance
 *        that stopped expire (every other change is published at once)
 * @param leaveGrace a user whose last tab closed stays listed this long, so a reload or a reconnecting stream does
 *        not flicker them out of everyone's list; zero leaves at once
 * @param typingExpiry "… is typing" lasts this long after the last signal from that user's browser (which sends one
 *        every 2 s while they type)
 * @param redisNamespace the prefix of presence's Redis keys and channel
 */
@ConfigurationProperties("chat.presence")
public record PresenceProperties(
        @DefaultValue("20s") Duration heartbeatInterval,
        @DefaultValue("60s") Duration expiry,
        @DefaultValue("10s") Duration pollInterval,
        @DefaultValue("5s") Duration leaveGrace,
        @DefaultValue("4s") Duration typingExpiry,
        @DefaultValue("chat:presence") String redisNamespace) {

    public PresenceProperties {
        if (heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()
                || pollInterval.isNegative()
                || pollInterval.isZero()
                || typingExpiry.isNegative()
                || typingExpiry.isZero()
                || leaveGrace.isNegative()) {
            throw new IllegalArgumentException(
                    "chat.presence: intervals must be positive and leave-grace not negative");
        }
        if (expiry.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("chat.presence.expiry (" + expiry + ") must be longer than"
                    + " chat.presence.heartbeat-interval (" + heartbeatInterval + ")");
        }
        if (redisNamespace == null || redisNamespace.isBlank()) {
            redisNamespace = "chat:presence";
        }
    }

    /** The defaults but these four, for tests (a second constructor would leave the binder without a choice). */
    static PresenceProperties of(
            Duration heartbeatInterval, Duration expiry, Duration pollInterval, Duration leaveGrace) {
        return new PresenceProperties(
                heartbeatInterval, expiry, pollInterval, leaveGrace, Duration.ofSeconds(4), "chat:presence");
    }

    /**
     * How often the instance looks for due work (nothing is sent when nothing is due) and expires typing: at most a
     * quarter of a second, so that "… is typing" goes no later than that after its expiry.
     */
    Duration tick() {
        Duration shortest = heartbeatInterval.compareTo(pollInterval) < 0 ? heartbeatInterval : pollInterval;
        Duration tick = shortest.dividedBy(5);
        if (tick.compareTo(Duration.ofMillis(250)) > 0) {
            return Duration.ofMillis(250);
        }
        return tick.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tick;
    }
}
