/** The security chain, CSP and headers, error pages and session-ended responses. */
@ApplicationModule(
        displayName = "Web",
        allowedDependencies = {"auth"})
package com.directuschat.web;

import org.springframework.modulith.ApplicationModule;
