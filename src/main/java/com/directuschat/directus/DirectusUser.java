package com.directuschat.directus;

/** The logged-in user as Directus knows them. */
public record DirectusUser(String id, String email, String firstName, String lastName) {
}
