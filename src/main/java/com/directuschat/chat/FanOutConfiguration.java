package com.directuschat.chat;

import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** The relay between instances: over Redis when it is configured, none otherwise. */
@Configuration(proxyBeanMethods = false)
class FanOutConfiguration {

    static final String CHANNEL = "directus-chat:changes";

    @Bean
    FanOutRelay fanOutRelay(ObjectProvider<StringRedisTemplate> redis, @Qualifier("chatWorkers") Executor workers) {
        StringRedisTemplate template = redis.getIfAvailable();
        return template == null
                ? FanOutRelay.NONE
                : new RedisFanOutRelay(template, CHANNEL, new SerialExecutor(workers));
    }

    /** Listens to the other instances' changes, handled one after another in the order they were published. */
    @Bean
    RedisMessageListenerContainer fanOutListener(
            ObjectProvider<RedisConnectionFactory> connections,
            FanOutRelay relay,
            @Qualifier("chatWorkers") Executor workers) {
        RedisConnectionFactory factory = connections.getIfAvailable();
        if (factory == null || !(relay instanceof RedisFanOutRelay redis)) {
            return null;
        }
        return listener(factory, redis, workers);
    }

    /**
     * A container that hands {@code relay} the channel's messages one after another, in the order Redis delivered
     * them (the container's own default executor runs each on a new thread, which reorders a create and its edit).
     */
    static RedisMessageListenerContainer listener(
            RedisConnectionFactory factory, RedisFanOutRelay relay, Executor workers) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory);
        SerialExecutor serial = new SerialExecutor(workers);
        container.setTaskExecutor(serial::execute);
        container.addMessageListener(relay, new ChannelTopic(relay.channel()));
        return container;
    }
}
