package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class LocalDirectusApplicationListenerTest {

    @Test
    void autoStartsOnlyFromTheSourceTreeWithoutDirectusUrlAndNeverInTests() {
        SpringApplication fromClassesDir = new SpringApplication();
        fromClassesDir.setMainApplicationClass(LocalDirectusApplicationListenerTest.class);
        LocalDirectusProperties auto = LocalDirectusProperties.defaults();

        // In a test JVM AUTO stays off even from a classes dir, like Spring Boot's docker-compose support.
        assertThat(LocalDirectusApplicationListener.shouldStart(auto, env(Map.of()), fromClassesDir))
                .isFalse();
        assertThat(LocalDirectusApplicationListener.runsFromSourceTree(LocalDirectusApplicationListenerTest.class))
                .isTrue();
        assertThat(LocalDirectusApplicationListener.runsFromSourceTree(Test.class))
                .isFalse(); // from a jar
        assertThat(LocalDirectusApplicationListener.runsFromSourceTree(null)).isFalse();
    }

    @Test
    void trueAndFalseOverrideTheRule() {
        SpringApplication fromJar = new SpringApplication();
        fromJar.setMainApplicationClass(Test.class);
        StandardEnvironment withUrl = env(Map.of("directus.url", "http://x"));

        assertThat(LocalDirectusApplicationListener.shouldStart(
                        bind(Map.of("directus.local.enabled", "true")), withUrl, fromJar))
                .isTrue();
        assertThat(LocalDirectusApplicationListener.shouldStart(
                        bind(Map.of("directus.local.enabled", "false")), env(Map.of()), fromJar))
                .isFalse();
    }

    @Test
    void propertiesBindWithDefaultsAndFromEnvironmentVariables() {
        LocalDirectusProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isEqualTo(LocalDirectusProperties.Enabled.AUTO);
        assertThat(defaults.port()).isEqualTo(8055);
        assertThat(defaults.version()).isEqualTo("12.4.0");
        assertThat(defaults.dataDir()).isEqualTo(Path.of(".directus"));
        assertThat(defaults.cacheDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "directus-chat"));
        assertThat(defaults.db().client()).isEqualTo("sqlite3");
        assertThat(defaults.startupTimeout().toSeconds()).isEqualTo(120);
        assertThat(defaults.seedHistory()).isTrue();
        assertThat(LocalDirectusProperties.defaults().seedHistory()).isTrue();
        assertThat(bind(Map.of("directus.local.seed-history", "false")).seedHistory())
                .isFalse();

        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("DIRECTUS_LOCAL_PORT", "9055", "DIRECTUS_LOCAL_DB_CLIENT", "pg")));
        ConfigurationPropertySources.attach(env);
        LocalDirectusProperties fromEnv = Binder.get(env).bindOrCreate("directus.local", LocalDirectusProperties.class);
        assertThat(fromEnv.port()).isEqualTo(9055);
        assertThat(fromEnv.db().isPostgres()).isTrue();
        assertThat(fromEnv.toString()).doesNotContain("admin-password");
    }

    private static LocalDirectusProperties bind(Map<String, Object> values) {
        return Binder.get(env(values)).bindOrCreate("directus.local", LocalDirectusProperties.class);
    }

    private static StandardEnvironment env(Map<String, Object> values) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        ConfigurationPropertySources.attach(env);
        return env;
    }
}
