package com.directuschat.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;

@DirectusTest
class DirectusTestAnnotationIT {

    @Value("${directus.url}")
    String directusUrl;

    @Autowired
    ApplicationContext context;

    @Test
    void appTalksToTheSharedInstanceAndStartsNoDirectusOfItsOwn() {
        assertThat(directusUrl).isEqualTo(TestDirectus.shared().url());
        assertThat(context.containsBean("localDirectus")).isFalse();
        assertThat(TestDirectus.adminToken()).isNotBlank();
    }
}
