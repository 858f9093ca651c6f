package com.directuschat.auth;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Shows a missing or unusable {@code chat.login.token-key} as what to do, instead of a stack trace. */
class TokenKeyFailureAnalyzer extends AbstractFailureAnalyzer<TokenCipher.KeyProblem> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TokenCipher.KeyProblem cause) {
        return new FailureAnalysis(
                cause.getMessage() + ".",
                "Set " + TokenCipher.PROPERTY + " (CHAT_LOGIN_TOKEN_KEY) to a random 256-bit key in base64, e.g. the"
                        + " output of `openssl rand -base64 32`, the same on every instance that shares the Redis."
                        + " Changing it ends every login.",
                cause);
    }
}
