package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientBuffersTest {

    @Test
    void testsRunWithTheBufferSizesOfTheApp() {
        // The pom sets them for the test JVMs (the JDK reads bufsize once); they must be what main sets.
        ClientBuffers.PROPERTIES.forEach(
                (name, value) -> assertThat(System.getProperty(name)).as(name).isEqualTo(value));
    }
}
