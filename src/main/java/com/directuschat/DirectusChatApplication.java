package com.directuschat;

import com.directuschat.directus.ClientBuffers;
import com.directuschat.directus.KeepAlive;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The chat server; Boot's scheduler (@EnableScheduling) runs the timers of presence and rate limits. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class DirectusChatApplication {

    public static void main(String[] args) {
        // Before anything builds a JDK HttpClient: its connection pool and buffers read these once.
        KeepAlive.apply();
        ClientBuffers.apply();
        SpringApplication.run(DirectusChatApplication.class, args);
    }
}
