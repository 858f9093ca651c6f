/**
 * Directus as the chat sees it, and nothing else: REST (named interface {@code rest}: DirectusClient,
 * DirectusReadPositions, DirectusRest and their records) and the realtime WebSocket (named interface {@code realtime}:
 * RealtimeSession, its factory, and ThreadPools, which makes its timer and workers and the chat's). Depends on no
 * other module; the development Directus runner is the nested module {@code directus.local}.
 */
@ApplicationModule(
        displayName = "Directus",
        allowedDependencies = {})
package com.directuschat.directus;

import org.springframework.modulith.ApplicationModule;
