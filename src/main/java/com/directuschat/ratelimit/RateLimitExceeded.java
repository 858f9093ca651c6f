package com.directuschat.ratelimit;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A request refused by a limit, with how long to wait. The module whose page it was renders it (the send form, the
 * login page, a stream's line of text) with a 429; one that does not gets the plain 429 error page.
 */
@ResponseStatus(HttpStatus.TOO_MANY_REQUESTS)
public final class RateLimitExceeded extends RuntimeException {

    private final long retryAfterSeconds;
    private final int allowed;

    RateLimitExceeded(long retryAfterSeconds, int allowed) {
        super("Rate limit exceeded; retry after " + retryAfterSeconds + " s", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
        this.allowed = allowed;
    }

    /** Seconds until a try may succeed; also the response's {@code Retry-After}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** What the limit allows: open streams per login, or attempts or sends at once. */
    public int allowed() {
        return allowed;
    }

    /** The wait, for a sentence: "a second", "42 seconds", "10 minutes". */
    public String waitText() {
        return waitText(retryAfterSeconds);
    }

    static String waitText(long seconds) {
        if (seconds <= 1) {
            return "a second";
        }
        if (seconds < 90) {
            return seconds + " seconds";
        }
        return Math.round(seconds / 60.0) + " minutes";
    }
}
