package com.directuschat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DirectusChatApplication {

    public static void main(String[] args) {
        SpringApplication.run(DirectusChatApplication.class, args);
    }
}
