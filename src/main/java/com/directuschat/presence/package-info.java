/**
 * Who is online and who is typing, per room: kept in the chat servers, shared between them through Redis (expiring
 * entries and pub/sub) when Redis is configured; Directus is not involved.
 */
@ApplicationModule(
        displayName = "Presence",
        allowedDependencies = {})
package com.directuschat.presence;

import org.springframework.modulith.ApplicationModule;
