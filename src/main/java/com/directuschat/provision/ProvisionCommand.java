package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import java.util.Arrays;
import java.util.List;
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
    /** With {@link #ARG}: give the chat's policy to every existing user who lacks it (never done by default). */
    public static final String GRANT_ARG = "--grant-chat-access";

    private static final Logger log = LoggerFactory.getLogger(ProvisionCommand.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        List<String> args = Arrays.asList(event.getArgs());
        if (args.contains(ARG)) {
            System.exit(run(event.getEnvironment(), args.contains(GRANT_ARG)));
        }
    }

    public static int run(Environment environment, boolean grant) {
        ProvisionProperties props = Binder.get(environment).bindOrCreate("directus", ProvisionProperties.class);
        return run(props, grant);
    }

    public static int run(ProvisionProperties props) {
        return run(props, false);
    }

    /** Provisions; with {@code grant}, also gives the chat's access to the existing users who lack it. */
    public static int run(ProvisionProperties props, boolean grant) {
        try {
            DirectusAdminClient client = props.adminClient();
            DirectusProvisioner.ChatAccess access = new DirectusProvisioner(client).provision();
            ExistingUsers existing = new ExistingUsers(client);
            List<String> without = existing.withoutChatAccess(access);
            if (grant) {
                log.info(
                        "Gave the \"{}\" policy to {} existing users",
                        DirectusProvisioner.CHAT_USERS,
                        existing.grant(access, without));
            } else if (!without.isEmpty()) {
                log.warn(
                        "{} existing users cannot use the chat: they have neither the \"{}\" role nor its policy."
                                + " Give it to them in Directus, or run --provision {} to give them all the policy",
                        without.size(),
                        DirectusProvisioner.CHAT_USERS,
                        GRANT_ARG);
            }
            log.info("Provisioning of {} done", props.url());
            return 0;
        } catch (ProvisionException | DirectusException e) {
            log.error("Provisioning failed: {}", e.getMessage());
            return 1;
        }
    }
}
