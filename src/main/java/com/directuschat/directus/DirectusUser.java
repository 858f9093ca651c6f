package com.directuschat.directus;

import org.springframework.modulith.NamedInterface;

/** The logged-in user as Directus knows them. */
@NamedInterface("rest")
public record DirectusUser(String id, String email, String firstName, String lastName) {}
