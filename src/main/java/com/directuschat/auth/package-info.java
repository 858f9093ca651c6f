/**
 * Logins: Directus credentials checked through Spring Security, one token pair per login (refreshed single-flight),
 * and {@link com.directuschat.auth.LoginEnded} when a login's session ends. Talks to Directus over REST only; every
 * login attempt is counted by the login limits of {@code ratelimit}, whose refusal it renders as its login page.
 */
@ApplicationModule(
        displayName = "Auth",
        allowedDependencies = {"directus :: rest", "ratelimit"})
package com.directuschat.auth;

import org.springframework.modulith.ApplicationModule;
