package com.directuschat.directus;

import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The realtime sessions' timer and worker pool. Not default candidates: they are injected by name only, and Boot
 * still makes its own {@code applicationTaskExecutor} and {@code taskScheduler}, which back off for any other
 * executor or scheduler that is.
 */
@Configuration(proxyBeanMethods = false)
class RealtimeThreads {

    /** Interrupted on close: by then every realtime session is closed, and a connect under way is moot. */
    @Bean(defaultCandidate = false)
    ThreadPoolTaskExecutor realtimeWorkers(DirectusProperties properties) {
        return ThreadPools.workers("realtime-worker-", properties.realtimeThreads(), Duration.ZERO);
    }

    @Bean(defaultCandidate = false)
    ThreadPoolTaskScheduler realtimeTimer() {
        return ThreadPools.timer("realtime-timer-");
    }
}
