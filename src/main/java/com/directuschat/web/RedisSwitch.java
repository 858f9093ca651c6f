package com.directuschat.web;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Redis is used only when it is configured ({@code spring.data.redis.host}, {@code url}, sentinel or cluster
 * nodes): then HTTP sessions and login tokens live in it and instances are interchangeable. Otherwise Spring
 * Boot's Redis and Spring Session auto-configurations are left out (they would connect to localhost:6379), and
 * sessions stay in memory as for a single instance.
 */
public final class RedisSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

    private static final String[] SETTINGS = {
        "spring.data.redis.host",
        "spring.data.redis.url",
        "spring.data.redis.sentinel.nodes",
        "spring.data.redis.cluster.nodes"
    };
    private static final String[] REDIS_AUTO_CONFIGURATIONS = {
        "org.springframework.boot.data.redis.", "org.springframework.boot.session."
    };

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    public static boolean isConfigured(Environment environment) {
        for (String setting : SETTINGS) {
            if (StringUtils.hasText(environment.getProperty(setting))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean redis = isConfigured(environment);
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            matches[i] = redis || !isRedisOnly(autoConfigurationClasses[i]);
        }
        return matches;
    }

    private static boolean isRedisOnly(String className) {
        if (className == null) {
            return false;
        }
        for (String prefix : REDIS_AUTO_CONFIGURATIONS) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
