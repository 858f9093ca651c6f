package com.directuschat.directus.local;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Shows a failed local Directus as its one-line message instead of a stack trace. */
class LocalDirectusFailureAnalyzer extends AbstractFailureAnalyzer<LocalDirectusException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LocalDirectusException cause) {
        return new FailureAnalysis(
                "The local Directus could not be started: " + cause.getMessage(),
                "Fix the problem above, set directus.url to use an existing Directus,"
                        + " or set directus.local.enabled=false.",
                cause);
    }
}
