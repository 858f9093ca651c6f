/**
 * The development Directus: installs it (npm) into a cache, starts and stops it with the app, and provisions it with
 * demo users and history. A module of its own, so that {@code directus} itself never depends on {@code provision}.
 */
@ApplicationModule(displayName = "Local Directus", allowedDependencies = "provision")
package com.directuschat.directus.local;

import org.springframework.modulith.ApplicationModule;
