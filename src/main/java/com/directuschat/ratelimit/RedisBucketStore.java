package com.directuschat.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Buckets in Redis, shared by every instance, on the Lettuce client of Boot's Redis connection
 * ({@code spring.data.redis.*}) with a connection of their own (byte keys and values, a short command timeout).
 * When Redis cannot be reached the limits fail open to this instance's in-memory buckets (never to "no limit"):
 * the chat stays usable, each instance still limits on its own, a warning is logged (at most every 30 seconds)
 * and the {@code chat.rate-limit.redis.fallbacks} meter counts it.
 * <p>
 * Connecting runs on {@code connector}; the request that started it waits at most the command timeout, the others
 * use memory meanwhile, so an unreachable Redis (whose connect timeout may be long) never holds requests up.
 */
final class RedisBucketStore implements BucketStore {

    private static final Logger log = LoggerFactory.getLogger(RedisBucketStore.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long RECONNECT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final LettuceConnectionFactory redis;
    private final Duration timeout;
    private final LocalBucketStore fallback;
    private final Counter fallbacks;
    private final Executor connector;
    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile ProxyManager<byte[]> buckets;
    private CompletableFuture<ProxyManager<byte[]>> connecting;
    private long lastConnectAttempt;
    private boolean connectTried;
    private volatile long lastWarning;

    RedisBucketStore(
            LettuceConnectionFactory redis,
            Duration timeout,
            LocalBucketStore fallback,
            Counter fallbacks,
            Executor connector) {
        this.redis = redis;
        this.timeout = timeout;
        this.fallback = fallback;
        this.fallbacks = fallbacks;
        this.connector = connector;
        // At once, so that the first requests find Redis connected.
        startConnect();
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration) {
        ProxyManager<byte[]> manager = manager();
        if (manager != null) {
            try {
                return manager.getProxy(key.getBytes(StandardCharsets.UTF_8), () -> configuration)
                        .tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException e) {
                failed(e);
                dropConnection(manager);
            }
        }
        fallbacks.increment();
        return fallback.tryConsume(key, configuration);
    }

    /** The buckets, or null while Redis is not (yet) reachable; starts a connect now and then. */
    private ProxyManager<byte[]> manager() {
        ProxyManager<byte[]> current = buckets;
        if (current != null) {
            return current;
        }
        CompletableFuture<ProxyManager<byte[]>> attempt = startConnect();
        if (attempt == null) {
            // Connected meanwhile, or another request is connecting, or it is too soon to try again: memory.
            return buckets;
        }
        try {
            return attempt.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A new connect attempt on the connector, or null when one is under way, not needed or too soon. */
    private synchronized CompletableFuture<ProxyManager<byte[]>> startConnect() {
        long now = System.nanoTime();
        if (connecting != null && !connecting.isDone()
                || buckets != null
                || connectTried && now - lastConnectAttempt < RECONNECT_EVERY_NANOS) {
            return null;
        }
        connectTried = true;
        lastConnectAttempt = now;
        try {
            connecting = CompletableFuture.supplyAsync(this::connect, connector);
        } catch (RejectedExecutionException stopping) {
            // Boot's executor takes no new tasks once the app is stopping: memory until the end.
            return null;
        }
        return connecting;
    }

    private ProxyManager<byte[]> connect() {
        try {
            AbstractRedisClient client = redis.getRequiredNativeClient();
            StatefulConnection<byte[], byte[]> opened;
            ProxyManager<byte[]> manager;
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
                opened = c;
                manager = Bucket4jLettuce.casBasedBuilder(c)
                        .requestTimeout(timeout)
                        .expirationAfterWrite(expiry())
                        .build();
            } else {
                StatefulRedisConnection<byte[], byte[]> c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
                opened = c;
                manager = Bucket4jLettuce.casBasedBuilder(c)
                        .requestTimeout(timeout)
                        .expirationAfterWrite(expiry())
                        .build();
            }
            // Boot's command timeout may be a minute: the limits give up sooner and use memory instead.
            opened.setTimeout(timeout);
            synchronized (this) {
                connection = opened;
                buckets = manager;
            }
            log.info("Rate limits are kept in Redis");
            return manager;
        } catch (RuntimeException e) {
            synchronized (this) {
                lastConnectAttempt = System.nanoTime();
            }
            failed(e);
            throw e;
        }
    }

    private static ExpirationAfterWriteStrategy expiry() {
        return ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
    }

    /**
     * A command that timed out leaves the connection unusable (its reply may never come, and the next
     * reply would be matched to it), so the connection is dropped and reopened on a later request.
     */
    private synchronized void dropConnection(ProxyManager<byte[]> failed) {
        if (buckets != failed) {
            return;
        }
        buckets = null;
        lastConnectAttempt = System.nanoTime();
        StatefulConnection<byte[], byte[]> open = connection;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
    }

    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning > WARN_EVERY_NANOS) {
            lastWarning = now;
            log.warn(
                    "Redis for rate limits is unreachable ({}); using this instance's in-memory limits until it is back",
                    e.getClass().getSimpleName());
        }
    }

    /** Closes this store's own connection; the client is Boot's and closes with it. */
    @Override
    public void close() {
        StatefulConnection<byte[], byte[]> open = connection;
        if (open != null) {
            open.close();
        }
    }
}
