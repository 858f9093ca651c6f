/**
 * The chat itself: room pages, sending, editing, history, and one ChatSession per login that turns realtime events
 * into SSE fragments. The only module that uses both sides of {@code directus}: REST and the realtime socket. Its
 * sends, edits, deletes and streams are {@code @RateLimited}; it renders their refusals itself.
 */
@ApplicationModule(
        displayName = "Chat",
        allowedDependencies = {"auth", "directus :: rest", "directus :: realtime", "presence", "ratelimit", "web"})
package com.directuschat.chat;

import org.springframework.modulith.ApplicationModule;
