package com.directuschat.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * Buckets in Redis, shared by every instance. When Redis cannot be reached the limits fail open to
 * this instance's in-memory buckets (never to "no limit"): the chat stays usable, each instance still
 * limits on its own, a warning is logged (at most every 30 seconds) and {@link #fallbacks()} counts it.
 */
final class RedisBucketStore implements BucketStore {

    private static final Logger log = LoggerFactory.getLogger(RedisBucketStore.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long RECONNECT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final RedisClient client;
    private final Duration timeout;
    private final LocalBucketStore fallback;
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile ProxyManager<byte[]> buckets;
    private volatile long lastConnectAttempt;
    private volatile long lastWarning;
    private volatile boolean connectTried;

    RedisBucketStore(String url, Duration timeout, LocalBucketStore fallback) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        this.client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                // Fail at once while disconnected instead of queueing requests behind a dead Redis.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.timeout = timeout;
        this.fallback = fallback;
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration) {
        ProxyManager<byte[]> manager = manager();
        if (manager != null) {
            try {
                return manager.getProxy(key.getBytes(StandardCharsets.UTF_8), () -> configuration).tryConsumeAndReturnRemaining(1);
            }
            catch (RuntimeException e) {
                failed(e);
                dropConnection(manager);
            }
        }
        fallbacks.incrementAndGet();
        return fallback.tryConsume(key, configuration);
    }

    /** How many checks used the in-memory buckets because Redis was unreachable. */
    long fallbacks() {
        return fallbacks.get();
    }

    private ProxyManager<byte[]> manager() {
        if (buckets != null) {
            return buckets;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (buckets != null || connectTried && now - lastConnectAttempt < RECONNECT_EVERY_NANOS) {
                return buckets;
            }
            connectTried = true;
            lastConnectAttempt = now;
            try {
                connection = client.connect(ByteArrayCodec.INSTANCE);
                buckets = Bucket4jLettuce.casBasedBuilder(connection).requestTimeout(timeout)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                        .build();
                log.info("Rate limits are kept in Redis");
            }
            catch (RuntimeException e) {
                failed(e);
            }
            return buckets;
        }
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
        StatefulRedisConnection<byte[], byte[]> open = connection;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
    }

    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        if (lastWarning == 0 || now - lastWarning > WARN_EVERY_NANOS) {
            lastWarning = now;
            log.warn("Redis for rate limits is unreachable ({}); using this instance's in-memory limits until it is back",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, timeout);
    }
}
