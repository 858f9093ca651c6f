package com.directuschat.auth;

/**
 * Published when a login's HTTP session ends (logout, timeout, invalidation), synchronously and before its Directus
 * tokens are revoked, so that listeners close what they hold for it (realtime socket, SSE streams) first.
 */
public record LoginEnded(String sessionId) {}
