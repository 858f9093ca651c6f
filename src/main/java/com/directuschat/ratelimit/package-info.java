/** Bucket4j limits on logins, sends and streams, in memory or shared in Redis. Depends on no other module. */
@ApplicationModule(
        displayName = "Rate limits",
        allowedDependencies = {})
package com.directuschat.ratelimit;

import org.springframework.modulith.ApplicationModule;
