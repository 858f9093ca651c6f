package com.directuschat.auth;

/** Who is logged in, as shown in the page. */
public record ChatUser(String id, String email, String displayName) implements java.io.Serializable {

    @Override
    public String toString() {
        return email;
    }
}
