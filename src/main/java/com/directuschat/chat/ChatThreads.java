package com.directuschat.chat;

import com.directuschat.directus.DirectusProperties;
import com.directuschat.directus.ThreadPools;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The chat sessions' timer and worker pool ({@link ChatSessions}). Injected by name only (not default candidates), so
 * Boot still makes its own {@code applicationTaskExecutor} and {@code taskScheduler}.
 */
@Configuration(proxyBeanMethods = false)
class ChatThreads {

    /**
     * Closing the context waits for the tasks under way, at most a Directus request's timeout: the drain on shutdown
     * hands the read-position writes to this pool.
     */
    @Bean(defaultCandidate = false)
    ThreadPoolTaskExecutor chatWorkers(ChatProperties chat, DirectusProperties directus) {
        return ThreadPools.workers("chat-session-", chat.sessionThreads(), directus.requestTimeout());
    }

    @Bean(defaultCandidate = false)
    ThreadPoolTaskScheduler chatTimer() {
        return ThreadPools.timer("chat-timer-");
    }
}
