package com.directuschat.auth;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusProperties;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.session.SessionRepository;
import org.springframework.stereotype.Component;

/**
 * The logins this instance acts for. The HTTP session holds only a login id; its token pair is in the token store
 * (Redis when configured, else memory), and each instance keeps one {@link TokenHolder} per login while anything
 * here uses it (weakly held: a login no request or stream here uses costs nothing and is rebuilt from the store).
 * Refreshes run on a few threads of their own ({@code login-refresh-*}), which only wait for Redis and Directus.
 */
@Component
public class Logins implements DisposableBean {

    /** Most refreshes under way at once on this instance; each takes one Directus call (~20-100 ms) when all is well. */
    private static final int REFRESH_THREADS = 16;

    private final TokenStore store;
    private final SessionRepository<?> sessionRepository;
    private final AtomicLong refreshes = new AtomicLong();
    private final ThreadPoolExecutor refreshThreads;
    private final RefreshContext context;
    private final Cache<String, TokenHolder> holders =
            Caffeine.newBuilder().weakValues().build();

    Logins(
            DirectusClient client,
            DirectusProperties directus,
            LoginProperties properties,
            ObjectProvider<StringRedisTemplate> redis,
            ObjectProvider<SessionRepository<?>> sessionRepository,
            Environment environment,
            MeterRegistry meters) {
        Counter refreshFailures = Counter.builder("directus.token.refresh.failures")
                .description("Token refreshes that Directus refused or did not answer")
                .register(meters);
        StringRedisTemplate template = redis.getIfAvailable();
        this.store = template == null
                ? new MemoryTokenStore()
                : new RedisTokenStore(
                        template,
                        environment.getProperty("spring.session.data.redis.namespace", "spring:session"),
                        properties.tokenTtl(),
                        properties.refreshLockTimeout(),
                        TokenCipher.fromConfiguration(properties.tokenKey(), TokenCipher.runsFromSourceTree()));
        this.sessionRepository = sessionRepository.getIfAvailable();
        CustomizableThreadFactory threadFactory = new CustomizableThreadFactory("login-refresh-");
        threadFactory.setDaemon(true);
        this.refreshThreads = new ThreadPoolExecutor(
                REFRESH_THREADS, REFRESH_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
        refreshThreads.allowCoreThreadTimeOut(true);
        this.context = new RefreshContext(
                client,
                store,
                directus.refreshSkew(),
                properties.refreshWait(),
                Duration.ofSeconds(1),
                refreshThreads,
                refreshes,
                refreshFailures::increment);
    }

    /** A new login's tokens, stored for every instance. */
    TokenHolder begin(AuthTokens tokens) {
        String loginId = UUID.randomUUID().toString();
        StoredTokens stored = new StoredTokens(tokens, Instant.now());
        store.write(loginId, stored);
        TokenHolder holder = holder(loginId, stored);
        holders.put(loginId, holder);
        return holder;
    }

    /** This instance's holder of a login's tokens, built from the store on first use; an ended login's refuses. */
    TokenHolder holder(String loginId) {
        TokenHolder holder = holders.get(loginId, id -> {
            StoredTokens stored = store.read(id);
            return stored == null ? null : holder(id, stored);
        });
        if (holder == null) {
            TokenHolder ended = holder(loginId, null);
            ended.markEnded();
            return ended;
        }
        return holder;
    }

    /** Ends the login in Directus, once whichever instances call it. */
    void revoke(DirectusAuthentication login) {
        TokenHolder holder = holders.getIfPresent(login.loginId());
        holders.invalidate(login.loginId());
        if (holder != null) {
            holder.revoke();
        } else {
            context.revoke(login.loginId(), null, null);
        }
    }

    /**
     * A login that failed after Directus issued its tokens (the user could not be read, the store could not be
     * written): its Directus session ends now rather than when its refresh token expires.
     */
    void abandon(AuthTokens tokens, TokenHolder holder) {
        if (holder == null) {
            context.logOut(tokens.refreshToken());
            return;
        }
        holders.invalidate(holder.loginId());
        holder.revoke();
    }

    /**
     * Ends an HTTP session from outside its requests (a refused token seen by a realtime session): through the
     * session store when there is one, so that every instance hears of it, else the servlet container's session.
     */
    public void endSession(HttpSession session) {
        if (sessionRepository != null) {
            sessionRepository.deleteById(session.getId());
            return;
        }
        try {
            session.invalidate();
        } catch (IllegalStateException alreadyInvalid) {
            // Ended meanwhile by another path; the session-end hook has run.
        }
    }

    /** Refreshes this instance made in Directus (each one used, and killed, a refresh token). */
    public long refreshes() {
        return refreshes.get();
    }

    /** Refreshes under way finish (their new pairs are stored); none starts any more. */
    @Override
    public void destroy() {
        refreshThreads.shutdown();
    }

    private TokenHolder holder(String loginId, StoredTokens stored) {
        return new TokenHolder(loginId, stored, context);
    }
}
