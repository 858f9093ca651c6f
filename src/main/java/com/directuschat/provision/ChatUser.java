package com.directuschat.provision;

import java.util.List;

/** A Directus user to make sure of. */
public record ChatUser(String email, String password, String firstName, String lastName) {

    public static final ChatUser ALICE = new ChatUser("alice@example.com", "alice-password", "Alice", "Example");
    public static final ChatUser BOB = new ChatUser("bob@example.com", "bob-password", "Bob", "Example");
    public static final ChatUser CAROL = new ChatUser("carol@example.com", "carol-password", "Carol", "Example");

    /** Created in embedded mode (local Directus) only, never against an existing Directus. */
    public static final List<ChatUser> DEMO_USERS = List.of(ALICE, BOB, CAROL);

    @Override
    public String toString() {
        return "ChatUser[" + email + "]";
    }
}
