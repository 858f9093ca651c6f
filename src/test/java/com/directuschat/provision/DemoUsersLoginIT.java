package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.directuschat.directus.DirectusException;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import org.junit.jupiter.api.Test;

class DemoUsersLoginIT {

    @Test
    void demoAndFixtureUsersCanLogIn() {
        assertThat(TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD))
                .isNotBlank();
        assertThat(TestDirectus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD))
                .isNotBlank();
        assertThat(TestDirectus.adminToken()).isNotBlank();
        assertThat(TestDirectus.loginToken(TestUsers.userEmail(1), TestUsers.USER_PASSWORD))
                .isNotBlank();
        assertThat(TestDirectus.loginToken(TestUsers.userEmail(20), TestUsers.USER_PASSWORD))
                .isNotBlank();
    }

    @Test
    void chatUsersReadMessagesAndNoAccessUserCannot() {
        String url = TestDirectus.shared().url();
        DirectusAdminClient alice = DirectusAdminClient.withToken(
                url, TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD));
        assertThat(alice.get("/items/messages?limit=1").isArray()).isTrue();
        assertThat(alice.get("/users/me?fields=first_name,last_name")
                        .path("first_name")
                        .asString())
                .isEqualTo("Alice");

        DirectusAdminClient noAccess = DirectusAdminClient.withToken(
                url, TestDirectus.loginToken(TestUsers.NOACCESS_EMAIL, TestUsers.NOACCESS_PASSWORD));
        assertThatThrownBy(() -> noAccess.get("/items/messages"))
                .isInstanceOfSatisfying(
                        DirectusException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThatThrownBy(() -> TestDirectus.loginToken(TestUsers.ALICE_EMAIL, "wrong"))
                .isInstanceOfSatisfying(
                        DirectusException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CREDENTIALS"));
    }
}
