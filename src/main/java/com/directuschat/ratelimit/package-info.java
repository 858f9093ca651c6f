/**
 * Bucket4j limits on logins, sends and streams, in memory or shared in Redis. Its API: {@code @RateLimited} on a
 * handler (sends, streams; applied by its Spring MVC interceptor), {@code RateLimits.checkLogin} for the login, and
 * {@code RateLimitExceeded}, which the module whose page it is renders. Depends on no other module.
 */
@ApplicationModule(
        displayName = "Rate limits",
        allowedDependencies = {})
package com.directuschat.ratelimit;

import org.springframework.modulith.ApplicationModule;
