/**
 * The security chain, CSP and headers, error pages and session-ended responses; and what every page that shows
 * messages shares: the reader's time zone ({@code ClientTimeZone}) and how times are written ({@code MessageTimes}).
 */
@ApplicationModule(
        displayName = "Web",
        allowedDependencies = {"auth"})
package com.directuschat.web;

import org.springframework.modulith.ApplicationModule;
