package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a login may read every room, as Directus says ({@code /permissions/me}: full read access to messages, no
 * item rule). The provisioned chat policy gives every chat user that; the first answer of each kind is logged, so
 * the log says whether messages sent through this chat reach its other tabs before Directus's events.
 */
final class EveryRoomCheck implements Predicate<AccessTokenSource> {

    private static final Logger log = LoggerFactory.getLogger(EveryRoomCheck.class);

    private final Predicate<AccessTokenSource> directus;
    private final AtomicBoolean loggedYes = new AtomicBoolean();
    private final AtomicBoolean loggedNo = new AtomicBoolean();

    EveryRoomCheck(Predicate<AccessTokenSource> directus) {
        this.directus = directus;
    }

    @Override
    public boolean test(AccessTokenSource tokens) {
        boolean every = directus.test(tokens);
        if (every && loggedYes.compareAndSet(false, true)) {
            log.info("Chat users read every room (full read access to messages): messages sent through this chat "
                    + "reach its tabs at once, and Directus's events confirm them");
        } else if (!every && loggedNo.compareAndSet(false, true)) {
            log.info("A chat user's read access to messages is partial (an item rule): such logins get messages "
                    + "from Directus's events alone");
        }
        return every;
    }
}
