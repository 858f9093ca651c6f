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
 * @param backfillLimit messages a replay reads from Directus per request; a tab further behind gets more pages
 * @param backfillOverlap ids re-read below a stream's position on backfill: on PostgreSQL a lower id can
 *        commit after a higher one, and would otherwise be missed; those of them the page says it does not show
 *        ({@code shown=}) still come, replayed or live
 * @param streamQueueCapacity events one stream may have waiting; a tab that stops reading past this is
 *        disconnected (and replayed when it comes back)
 * @param realtimeIdleTimeout a login with no open stream for this long closes its Directus socket (it stays
 *        logged in; the next tab reopens the socket and replays by id)
 * @param historyPageSize older messages fetched per "Load earlier messages"
 * @param readPositionSaveDelay a read position moved by live messages is written to Directus this long after
 *        the first move (coalescing a busy room's messages into one write; every write costs Directus ~20 ms of
 *        CPU, so at 5 s 100 readers slowed every delivery); at once when a room is opened or a tab's stream ends
 * @param sessionThreads most threads of the chat sessions' worker pool ({@code chat-session-*}: the sessions' and
 *        tabs' lanes, read-position writes), made on demand and ended after 60 s idle; a tab that stopped reading
 *        holds one while its write is blocked (at most Tomcat's write timeout), and past the cap the others' tasks
 *        wait
 */
@ConfigurationProperties("chat")
public record ChatProperties(
        @DefaultValue("100") int historySize,
        @DefaultValue("2000") int maxMessageLength,
        @DefaultValue("5m") Duration streamTimeout,
        @DefaultValue("15s") Duration heartbeatInterval,
        @DefaultValue("1000") int backfillLimit,
        @DefaultValue("20") int backfillOverlap,
        @DefaultValue("256") int streamQueueCapacity,
        @DefaultValue("60s") Duration realtimeIdleTimeout,
        @DefaultValue("50") int historyPageSize,
        @DefaultValue("60s") Duration readPositionSaveDelay,
        @DefaultValue("64") int sessionThreads) {}
