package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The login page and what it says after each kind of failure, without Directus. */
@WebMvcTest(LoginController.class)
@Import(LoginControllerTest.OpenChain.class)
class LoginControllerTest {

    @Autowired
    MockMvcTester mvc;

    /** Spring Boot's default chain draws its own login page; the app's chain is web's (SecurityChainTest). */
    @TestConfiguration
    static class OpenChain {

        @Bean
        SecurityFilterChain open(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .build();
        }
    }

    @Test
    void theFormHasItsLabelledFieldsAndTheCsrfToken() {
        MvcTestResult page = mvc.get().uri("/login").exchange();
        assertThat(page).hasStatusOk().hasViewName("auth/login");
        assertThat(page)
                .bodyText()
                .contains("<label for=\"email\">Email</label>")
                .contains("name=\"_csrf\"")
                .doesNotContain("role=\"alert\"");
    }

    @Test
    void eachFailureHasItsOwnMessageAndAnUnknownOneIsARefusal() {
        for (LoginFailure failure : LoginFailure.values()) {
            assertThat(mvc.get().uri("/login?error=" + failure.name().toLowerCase()))
                    .as(failure.name())
                    .model()
                    .containsEntry("error", failure.message());
        }
        assertThat(mvc.get().uri("/login?error=<script>"))
                .model()
                .containsEntry("error", LoginFailure.REFUSED.message());
        assertThat(mvc.get().uri("/login?error=credentials"))
                .bodyText()
                .contains("<p class=\"error\" role=\"alert\">Wrong email or password.</p>");
    }

    @Test
    void loggedOutAndExpiredAreNotices() {
        // As browsers send them: "?logout" is the parameter with an empty value.
        assertThat(mvc.get().uri("/login").param("logout", "")).model().containsEntry("notice", "You have logged out.");
        assertThat(mvc.get().uri("/login").param("expired", ""))
                .model()
                .containsEntry("notice", "Your session has ended. Please log in again.");
    }

    @Test
    void theEmailOfAFailedAttemptIsOfferedOnceEscaped() {
        MockHttpSession session = new MockHttpSession();
        session.setAttribute(LoginFailureHandler.LAST_EMAIL, "\"><script>x</script>@example.com");
        assertThat(mvc.get().uri("/login?error=credentials").session(session))
                .bodyText()
                .contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;@example.com\"");
        assertThat(session.getAttribute(LoginFailureHandler.LAST_EMAIL)).isNull();
        assertThat(mvc.get().uri("/login").session(session)).model().containsEntry("email", null);
    }
}
