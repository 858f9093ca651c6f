package com.directuschat.web;

import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How the shared Redis connection (sessions, login tokens) behaves while Redis is away. */
@Configuration(proxyBeanMethods = false)
class RedisSettings {

    /**
     * Fail at once while disconnected instead of queueing until the command timeout: a request that needs the
     * session then gets its 503 right away, and nothing stale is replayed when Redis returns.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS);
    }
}
