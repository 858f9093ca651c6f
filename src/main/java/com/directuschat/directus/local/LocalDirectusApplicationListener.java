package com.directuschat.directus.local;

import com.directuschat.provision.ChatUser;
import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.provision.DirectusProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a local Directus before the context refreshes, the way Spring Boot's docker-compose
 * support does, and points {@code directus.url} at it. Registered in META-INF/spring.factories.
 */
public class LocalDirectusApplicationListener implements ApplicationListener<ApplicationPreparedEvent> {

    static final String PROPERTY_SOURCE = "directusLocal";
    private static final Logger log = LoggerFactory.getLogger(LocalDirectusApplicationListener.class);

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableApplicationContext context = event.getApplicationContext();
        ConfigurableEnvironment environment = context.getEnvironment();
        LocalDirectusProperties props =
                Binder.get(environment).bindOrCreate("directus.local", LocalDirectusProperties.class);
        if (!shouldStart(props, environment, event.getSpringApplication())) {
            return;
        }
        LocalDirectus directus = LocalDirectus.installed(props);
        registerStop(context, directus);
        directus.start();
        try {
            DirectusAdminClient admin =
                    DirectusAdminClient.login(directus.url(), props.adminEmail(), props.adminPassword());
            DirectusProvisioner provisioner = new DirectusProvisioner(admin);
            provisioner.provisionWithDemoUsers();
            if (props.seedHistory()) {
                provisioner.seedDemoHistory(); // only while there are no messages: a second start adds nothing
            }
        } catch (RuntimeException e) {
            // e.g. the data dir was bootstrapped with another admin password
            throw new LocalDirectusException(
                    "Provisioning the local Directus at " + directus.url() + " failed: " + e.getMessage(), e);
        }
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        PROPERTY_SOURCE, Map.of("directus.url", directus.url(), "directus.local.active", "true")));
        context.getBeanFactory().registerSingleton("localDirectus", directus);
        context.addApplicationListener((ApplicationListener<ApplicationReadyEvent>) ready -> logBanner(
                ready.getApplicationContext().getEnvironment().getProperty("local.server.port"), directus, props));
    }

    /** Stopped when the context closes (normally, by Ctrl-C through the shutdown hook, or on a failed refresh). */
    private static void registerStop(ConfigurableApplicationContext context, LocalDirectus directus) {
        ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
        if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean("localDirectusStopper", directus::stop);
        } else {
            context.addApplicationListener((ApplicationListener<org.springframework.context.event.ContextClosedEvent>)
                    closed -> directus.stop());
        }
    }

    static boolean shouldStart(
            LocalDirectusProperties props, ConfigurableEnvironment environment, SpringApplication application) {
        return switch (props.enabled()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO ->
                !hasText(environment.getProperty("directus.url"))
                        && runsFromSourceTree(application.getMainApplicationClass())
                        && !runsInTests();
        };
    }

    /** A main class loaded from a classes directory (IDE, spring-boot:run), not from a packaged jar. */
    static boolean runsFromSourceTree(Class<?> mainClass) {
        if (mainClass == null) {
            return false;
        }
        CodeSource source = mainClass.getProtectionDomain().getCodeSource();
        if (source == null
                || source.getLocation() == null
                || !"file".equals(source.getLocation().getProtocol())) {
            return false;
        }
        try {
            return Files.isDirectory(Path.of(source.getLocation().toURI()));
        } catch (Exception e) {
            return false;
        }
    }

    /** Like Spring Boot's docker-compose support: tests get Directus from the test fixtures instead. */
    private static boolean runsInTests() {
        for (StackTraceElement element : Thread.currentThread().getStackTrace()) {
            String name = element.getClassName();
            if (name.startsWith("org.junit.")
                    || name.startsWith("org.springframework.boot.test.")
                    || name.startsWith("org.springframework.test.")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    // The only place where any password is ever logged: demo credentials of the local, throwaway instance.
    private static void logBanner(String serverPort, LocalDirectus directus, LocalDirectusProperties props) {
        String users = String.join(
                ", ",
                ChatUser.DEMO_USERS.stream()
                        .map(u -> u.email() + " / " + u.password())
                        .toList());
        log.info(
                """

                ------------------------------------------------------------------
                  directus-chat:  http://localhost:{}
                  Directus:       {}  (local, data in {})
                  Demo users:     {}
                  Directus admin: {} / {}
                ------------------------------------------------------------------""",
                serverPort == null ? "8080" : serverPort,
                directus.url(),
                directus.dataDir(),
                users,
                props.adminEmail(),
                props.adminPassword());
    }
}
