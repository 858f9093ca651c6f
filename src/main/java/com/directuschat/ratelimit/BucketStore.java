package com.directuschat.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/** Token buckets by key: in memory, or in Redis so that every instance shares them. */
interface BucketStore extends AutoCloseable {

    ConsumptionProbe tryConsume(String key, BucketConfiguration configuration);

    @Override
    default void close() {}
}
