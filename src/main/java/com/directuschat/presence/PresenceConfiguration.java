package com.directuschat.presence;

import java.time.Clock;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Presence shares through Redis when Redis is configured (Boot's connection then exists), and keeps to this instance
 * otherwise. It runs on Boot's own pools: its timers on the {@code taskScheduler} (which {@code @EnableScheduling}
 * on the application makes Boot create), its Redis calls on the application executor, one at a time, so it never
 * takes more than one of that executor's threads.
 */
@Configuration(proxyBeanMethods = false)
class PresenceConfiguration {

    @Bean(destroyMethod = "close")
    Presence presence(
            PresenceProperties properties,
            TaskScheduler taskScheduler,
            @Qualifier("applicationTaskExecutor") Executor executor,
            ObjectProvider<StringRedisTemplate> redis,
            ObjectProvider<RedisConnectionFactory> connections) {
        StringRedisTemplate template = redis.getIfAvailable();
        RedisConnectionFactory factory = connections.getIfAvailable();
        PresenceShare share = template == null || factory == null
                ? PresenceShare.NONE
                : new RedisPresenceShare(template, factory, properties.redisNamespace());
        Presence presence = new Presence(share, properties, taskScheduler, executor, Clock.systemUTC());
        presence.start();
        return presence;
    }
}
