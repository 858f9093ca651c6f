/** Who is online per room: heartbeats as each user and one poll per instance, through Directus's REST API. */
@ApplicationModule(displayName = "Presence", allowedDependencies = "directus :: rest")
package com.directuschat.presence;

import org.springframework.modulith.ApplicationModule;
