package com.directuschat.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a handler method under a limit of the session: every request Spring MVC hands to it counts, however its
 * path was spelled ({@code %6D} for {@code m}) and for {@code HEAD} as for {@code GET}, because the limit is found on
 * the handler, not matched against the URL. A refusal is a {@link RateLimitExceeded}, which the handler's own
 * controller renders (an {@code @ExceptionHandler}); the {@code Retry-After} header is set already.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface RateLimited {

    Limit value();

    /** The session's limits. */
    enum Limit {
        /** Sends, edits and deletes: one token bucket per session ({@code chat.rate-limit.sends}, ...-burst). */
        SEND,
        /** Open event streams (tabs) per session ({@code chat.rate-limit.streams-per-session}), until each ends. */
        STREAM
    }
}
