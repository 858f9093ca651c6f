package com.directuschat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import com.directuschat.auth.LoginContextRepository;
import com.directuschat.auth.Logins;
import com.directuschat.auth.PreviousLoginEnd;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The security chain alone, around one probe endpoint per method: who is let in, what a state change needs, and
 * the headers every answer carries. No Directus: the chain needs none of it to decide.
 */
@WebMvcTest(controllers = SecurityChainTest.Probe.class)
// Classes nested in a test are left out of scanning: the probe is imported.
@Import({
    SecurityConfig.class,
    SessionEndedResponses.class,
    HtmlRenderer.class,
    LoginContextRepository.class,
    PreviousLoginEnd.class,
    SecurityChainTest.Probe.class
})
class SecurityChainTest {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    AuthenticationFailureHandler loginFailures;

    @MockitoBean
    Logins logins;

    @RestController
    static class Probe {

        @GetMapping("/probe")
        String read() {
            return "read";
        }

        @PostMapping("/probe")
        String create() {
            return "created";
        }

        @PatchMapping("/probe")
        String change() {
            return "changed";
        }

        @DeleteMapping("/probe")
        String delete() {
            return "deleted";
        }
    }

    @Test
    void anAnonymousPageIsSentToTheLoginForm() {
        assertThat(mvc.get().uri("/probe").accept(MediaType.TEXT_HTML))
                .hasStatus(HttpStatus.FOUND)
                .redirectedUrl()
                .endsWith("/login");
    }

    @Test
    void anAnonymousHtmxRequestGetsTheSessionEndedNoticeInItsSlot() {
        MvcTestResult result =
                mvc.get().uri("/probe").header("HX-Request", "true").exchange();
        assertThat(result)
                .hasStatus(HttpStatus.UNAUTHORIZED)
                .hasHeader("HX-Retarget", "#session-ended")
                .hasHeader("HX-Reswap", "innerHTML");
        assertThat(result).bodyText().contains("Your session has ended.").contains("href=\"/login?expired\"");
    }

    @Test
    void anAnonymousStreamGetsASessionEndedEvent() {
        MvcTestResult result =
                mvc.get().uri("/probe").accept(MediaType.TEXT_EVENT_STREAM).exchange();
        assertThat(result).hasStatus(HttpStatus.OK).hasContentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM);
        assertThat(result)
                .bodyText()
                .startsWith("event: session-ended\ndata: <p class=\"notice\" role=\"alert\">")
                .endsWith("\n\n");
    }

    @Test
    void theLoginFormAndStaticFilesNeedNoLogin() {
        for (String path : new String[] {"/css/chat.css", "/js/chat.js", "/favicon.svg"}) {
            assertThat(mvc.get().uri(path)).as(path).hasStatusOk();
        }
        // Its controller is not in this slice: a 404, not a redirect to the login form.
        assertThat(mvc.get().uri("/login")).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/css/chat.css").accept(MediaType.TEXT_HTML)).hasStatusOk();
    }

    @Test
    void everyStateChangeNeedsTheCsrfToken() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE}) {
            assertThat(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                                    method, "/probe")
                            .with(user("alice"))))
                    .as(method.name())
                    .hasStatus(HttpStatus.FORBIDDEN);
            assertThat(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                                    method, "/probe")
                            .with(user("alice"))
                            .with(csrf())))
                    .as(method.name() + " with the token")
                    .hasStatus(HttpStatus.OK);
            assertThat(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request(
                                    method, "/probe")
                            .with(user("alice"))
                            .with(csrf().useInvalidToken())))
                    .as(method.name() + " with a wrong token")
                    .hasStatus(HttpStatus.FORBIDDEN);
        }
        assertThat(mvc.get().uri("/probe").with(user("alice")))
                .hasStatus(HttpStatus.OK)
                .bodyText()
                .isEqualTo("read");
    }

    @Test
    void aPostFromAPageWhoseSessionEndedGetsTheNoticeNotABareRefusal() {
        MvcTestResult result = mvc.post()
                .uri("/probe")
                .header("HX-Request", "true")
                .with(request -> {
                    request.setRequestedSessionId("gone");
                    request.setRequestedSessionIdValid(false);
                    return request;
                })
                .exchange();
        assertThat(result).hasStatus(HttpStatus.FORBIDDEN).hasHeader("HX-Retarget", "#session-ended");
        assertThat(result).bodyText().contains("Your session has ended.");
    }

    /**
     * After a restart the page's first post (its typing signal, say) gets the notice, and the refused CSRF check
     * leaves a new, anonymous session behind (Spring saves a fresh token in it). The page's next post comes with
     * that session and its old token: still the notice, not a bare 403 (AppRestartBrowserIT saw this race).
     */
    @Test
    void aPostInTheAnonymousSessionAnEarlierRefusalLeftGetsTheNoticeToo() {
        MockHttpSession fresh = new MockHttpSession();
        MvcTestResult result = mvc.post()
                .uri("/probe")
                .header("HX-Request", "true")
                .header("X-CSRF-TOKEN", "the-old-pages-token")
                .session(fresh)
                .with(request -> {
                    request.setRequestedSessionId(fresh.getId());
                    request.setRequestedSessionIdValid(true);
                    return request;
                })
                .exchange();
        assertThat(result).hasStatus(HttpStatus.FORBIDDEN).hasHeader("HX-Retarget", "#session-ended");
        // Logged in, a wrong token stays a plain refusal: that page's session has not ended.
        assertThat(mvc.post()
                        .uri("/probe")
                        .header("HX-Request", "true")
                        .with(user("alice"))
                        .with(csrf().useInvalidToken())
                        .exchange())
                .hasStatus(HttpStatus.FORBIDDEN)
                .doesNotContainHeader("HX-Retarget");
    }

    @Test
    void everyAnswerCarriesTheCspAndIsNotStored() {
        for (MvcTestResult result : new MvcTestResult[] {
            mvc.get().uri("/probe").with(user("alice")).exchange(),
            mvc.get().uri("/probe").exchange(),
            mvc.get().uri("/login").exchange()
        }) {
            assertThat(result)
                    .hasHeader("Content-Security-Policy", SecurityConfig.CONTENT_SECURITY_POLICY)
                    .hasHeader("X-Frame-Options", "DENY")
                    .hasHeader("X-Content-Type-Options", "nosniff")
                    .hasHeader("Referrer-Policy", "same-origin");
            assertThat(result.getResponse().getHeader("Cache-Control")).contains("no-store");
        }
        assertThat(SecurityConfig.CONTENT_SECURITY_POLICY)
                .contains("script-src 'self';")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
    }
}
