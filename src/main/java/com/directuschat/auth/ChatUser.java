package com.directuschat.auth;

/**
 * Who is logged in, as shown in the page. {@code firstName} and {@code lastName} are as Directus has them ("" when
 * unset); both null for a session saved before they were kept, whose messages are then read back with their author.
 */
public record ChatUser(String id, String email, String displayName, String firstName, String lastName)
        implements java.io.Serializable {

    public ChatUser(String id, String email, String displayName) {
        this(id, email, displayName, null, null);
    }

    /** Whether the names Directus has for this user are known here. */
    public boolean namesKnown() {
        return firstName != null && lastName != null;
    }

    @Override
    public String toString() {
        return email;
    }
}
