package com.directuschat.presence;

import com.directuschat.directus.DirectusPresence;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

/**
 * Presence runs on Boot's own pools: its timers on the {@code taskScheduler} (which {@code @EnableScheduling} on the
 * application makes Boot create, next to the {@code applicationTaskExecutor}), its Directus calls on the application executor, one at
 * a time, so it never takes more than one of that executor's threads.
 */
@Configuration(proxyBeanMethods = false)
class PresenceConfiguration {

    @Bean(destroyMethod = "close")
    Presence presence(
            DirectusPresence directus,
            PresenceProperties properties,
            TaskScheduler taskScheduler,
            @Qualifier("applicationTaskExecutor") Executor executor) {
        Presence presence =
                new Presence(PresenceStore.of(directus), properties, taskScheduler, executor, Clock.systemUTC());
        presence.start();
        return presence;
    }
}
