package com.directuschat.testsupport;

import com.directuschat.provision.ChatUser;
import java.util.List;
import java.util.stream.IntStream;

/** Users present in every test Directus (they are in the template). */
public final class TestUsers {

    public static final String ADMIN_EMAIL = "admin@example.com";
    public static final String ADMIN_PASSWORD = "admin-password";

    public static final String ALICE_EMAIL = "alice@example.com";
    public static final String ALICE_PASSWORD = "alice-password";
    public static final String BOB_EMAIL = "bob@example.com";
    public static final String BOB_PASSWORD = "bob-password";

    /** user01@example.com .. user20@example.com, first name "User", last name "01".."20", Chat users role. */
    public static final String USER_PASSWORD = "user-password";

    public static final int NUMBERED_USERS = 20;

    /** In a role whose policy cannot read messages. */
    public static final String NOACCESS_EMAIL = "noaccess@example.com";

    public static final String NOACCESS_PASSWORD = "noaccess-password";

    private TestUsers() {}

    /** {@code user(1)} is user01@example.com. */
    public static String userEmail(int n) {
        return String.format("user%02d@example.com", n);
    }

    static List<ChatUser> numberedUsers() {
        return IntStream.rangeClosed(1, NUMBERED_USERS)
                .mapToObj(n -> new ChatUser(userEmail(n), USER_PASSWORD, "User", String.format("%02d", n)))
                .toList();
    }

    static ChatUser noAccessUser() {
        return new ChatUser(NOACCESS_EMAIL, NOACCESS_PASSWORD, "No", "Access");
    }
}
