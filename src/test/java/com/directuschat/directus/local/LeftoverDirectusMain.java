package com.directuschat.directus.local;

import java.nio.file.Path;
import java.time.Duration;

/** Child JVM for the leftover test: starts Directus, prints its pid, then waits to be SIGKILLed. */
public final class LeftoverDirectusMain {

    public static void main(String[] args) throws Exception {
        LocalDirectusProperties props = LocalDirectusProperties.defaults()
                .withDataDir(Path.of(args[0]))
                .withPort(Integer.parseInt(args[1]))
                .withStartupTimeout(Duration.ofSeconds(120));
        LocalDirectus directus = LocalDirectus.installed(props);
        directus.start();
        System.out.println("READY " + directus.process().orElseThrow().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
