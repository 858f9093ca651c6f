package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRelay;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A login that fails after Directus issued its tokens leaves no Directus session behind: the app talks to the shared
 * Directus through a relay that answers the user lookup with a 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoginAbandonedIT {

    static DirectusRelay relay;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) throws IOException {
        relay = new DirectusRelay(TestDirectus.shared().url());
        registry.add("directus.url", relay::url);
        registry.add("directus.local.enabled", () -> "false");
    }

    @AfterAll
    static void closeRelay() {
        relay.close();
    }

    @Test
    void aLoginWhoseUserCannotBeReadIsLoggedOutOfDirectusAgain() {
        relay.fail("/users/me");
        HttpResponse<String> login;
        try {
            login = new ChatClient("http://127.0.0.1:" + port).login(TestUsers.userEmail(13), TestUsers.USER_PASSWORD);
        } finally {
            relay.restore();
        }
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error=unreachable"));
        assertThat(relay.issuedRefreshTokens()).hasSize(1);
        // Revoked: Directus no longer refreshes it (a live one answers 200).
        assertThat(DirectusRest.refreshStatus(
                        TestDirectus.shared().url(), relay.issuedRefreshTokens().get(0)))
                .isBetween(400, 403);
    }
}
