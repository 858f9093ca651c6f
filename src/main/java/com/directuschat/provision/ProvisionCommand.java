package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * {@code --provision}: provision the Directus at {@code directus.url} and exit, before any web server
 * or application bean exists. Exit code 0 on success, 1 with one error line otherwise.
 * Registered in META-INF/spring.factories; runs after logging is set up.
 */
public class ProvisionCommand implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    public static final String ARG = "--provision";
    private static final Logger log = LoggerFactory.getLogger(ProvisionCommand.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (Arrays.asList(event.getArgs()).contains(ARG)) {
            System.exit(run(event.getEnvironment()));
        }
    }

    public static int run(Environment environment) {
        ProvisionProperties props = Binder.get(environment).bindOrCreate("directus", ProvisionProperties.class);
        return run(props);
    }

    public static int run(ProvisionProperties props) {
        try {
            new DirectusProvisioner(props.adminClient()).provision();
            log.info("Provisioning of {} done", props.url());
            return 0;
        } catch (ProvisionException | DirectusException e) {
            log.error("Provisioning failed: {}", e.getMessage());
            return 1;
        }
    }
}
