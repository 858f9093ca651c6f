package com.directuschat.chat;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param historySize messages shown when the page opens
 * @param maxMessageLength longest message, in Unicode code points
 * @param streamTimeout an SSE stream is closed after this long; the browser reconnects (this keeps the
 *        HTTP session alive) and is replayed from its last id
 * @param heartbeatInterval how often an idle stream gets a comment so proxies keep it open
 * @param backfillLimit most messages replayed to one stream at once
 */
@ConfigurationProperties("chat")
public record ChatProperties(
        @DefaultValue("100") int historySize,
        @DefaultValue("2000") int maxMessageLength,
        @DefaultValue("5m") Duration streamTimeout,
        @DefaultValue("15s") Duration heartbeatInterval,
        @DefaultValue("1000") int backfillLimit) {
}
