package com.directuschat.ratelimit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The limits on logins, sends and streams ({@code chat.rate-limit.*}).
 *
 * @param loginPerIp login attempts per client IP per {@code loginPeriod}
 * @param loginPerEmail login attempts per email per {@code loginPeriod}
 * @param loginPeriod window of the login limits
 * @param sends sustained sends per session per {@code sendPeriod}
 * @param sendPeriod refill period of {@code sends}
 * @param sendBurst sends a session may make at once before the sustained rate applies
 * @param streamsPerSession open SSE streams (tabs) per HTTP session
 * @param redisTimeout how long a limit check waits for Redis (when {@code spring.data.redis.*} is configured);
 *        past it the request uses the in-memory limits
 */
@ConfigurationProperties("chat.rate-limit")
public record RateLimitProperties(
        @DefaultValue("5") int loginPerIp,
        @DefaultValue("5") int loginPerEmail,
        @DefaultValue("1m") Duration loginPeriod,
        @DefaultValue("5") int sends,
        @DefaultValue("1s") Duration sendPeriod,
        @DefaultValue("20") int sendBurst,
        @DefaultValue("10") int streamsPerSession,
        @DefaultValue("500ms") Duration redisTimeout) {}
