package com.directuschat.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Token pairs of one instance's logins, in memory (no Redis configured). */
final class MemoryTokenStore implements TokenStore {

    private final Map<String, StoredTokens> pairs = new ConcurrentHashMap<>();
    /** A login's lock; striped, so that nothing has to be removed when the login ends. */
    private final Object[] locks = new Object[64];

    MemoryTokenStore() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public StoredTokens read(String loginId) {
        return pairs.get(loginId);
    }

    @Override
    public void write(String loginId, StoredTokens tokens) {
        pairs.put(loginId, tokens);
    }

    @Override
    public StoredTokens remove(String loginId) {
        return pairs.remove(loginId);
    }

    @Override
    public <T> T locked(String loginId, Supplier<T> action) {
        synchronized (locks[Math.floorMod(loginId.hashCode(), locks.length)]) {
            return action.get();
        }
    }
}
