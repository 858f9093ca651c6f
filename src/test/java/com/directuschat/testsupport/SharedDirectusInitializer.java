package com.directuschat.testsupport;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points the app at the shared test Directus, so it never starts its own. */
public class SharedDirectusInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("directus.url=" + TestDirectus.shared().url(), "directus.local.enabled=false")
                .applyTo(context);
    }
}
