/**
 * Logins: Directus credentials checked through Spring Security, one token pair per login (refreshed single-flight),
 * and {@link com.directuschat.auth.LoginEnded} when a login's session ends. Talks to Directus over REST only.
 */
@ApplicationModule(displayName = "Auth", allowedDependencies = "directus :: rest")
package com.directuschat.auth;

import org.springframework.modulith.ApplicationModule;
