package com.directuschat.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Timing of the online list. Directus's cost per online user is about {@code 60 s / heartbeatInterval} writes a
 * minute; each chat server instance adds {@code 60 s / pollInterval} reads a minute while it has someone online.
 *
 * @param heartbeatInterval how often the row of a user with an open tab is refreshed in Directus
 * @param expiry a row not refreshed for this long no longer counts (its server stopped without leaving); must be
 *        longer than {@code heartbeatInterval}, so that one late or failed heartbeat drops nobody
 * @param pollInterval how often each instance reads who is online on the other instances
 * @param leaveGrace a user whose last tab closed stays listed this long, so a reload or a reconnecting stream does
 *        not flicker them out of everyone's list; zero leaves at once
 */
@ConfigurationProperties("chat.presence")
public record PresenceProperties(
        @DefaultValue("20s") Duration heartbeatInterval,
        @DefaultValue("60s") Duration expiry,
        @DefaultValue("10s") Duration pollInterval,
        @DefaultValue("5s") Duration leaveGrace) {

    public PresenceProperties {
        if (heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()
                || pollInterval.isNegative()
                || pollInterval.isZero()
                || leaveGrace.isNegative()) {
            throw new IllegalArgumentException(
                    "chat.presence: intervals must be positive and leave-grace not negative");
        }
        if (expiry.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("chat.presence.expiry (" + expiry + ") must be longer than"
                    + " chat.presence.heartbeat-interval (" + heartbeatInterval + ")");
        }
    }

    /** How often the instance looks for due work (nothing is sent when nothing is due). */
    Duration tick() {
        Duration shortest = heartbeatInterval.compareTo(pollInterval) < 0 ? heartbeatInterval : pollInterval;
        Duration tick = shortest.dividedBy(5);
        if (tick.compareTo(Duration.ofSeconds(1)) > 0) {
            return Duration.ofSeconds(1);
        }
        return tick.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tick;
    }
}
