package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Directus is not there at all: the login page says so, and nothing breaks. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"directus.url=http://127.0.0.1:9", "directus.local.enabled=false"})
class LoginDirectusDownIT {

    @LocalServerPort
    int port;

    @Test
    void loginExplainsThatDirectusIsUnreachable() {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = client.login("alice@example.com", "alice-password");
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error=unreachable"));
        assertThat(client.get("/login?error=unreachable").body()).contains("cannot reach Directus");
        assertThat(client.get("/").statusCode()).isEqualTo(302);
    }
}
