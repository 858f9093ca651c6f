package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusUser;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The composer's suggestions ({@code GET /people}) and what a send stores for typed names, without Directus. */
class PeopleControllerTest extends ChatWebMvcTestSupport {

    @BeforeEach
    void people() {
        List<DirectusUser> users = new ArrayList<>(List.of(
                new DirectusUser(ALICE_ID, null, "Alice", "Example"),
                new DirectusUser(BOB_ID, null, "Bob", "Example"),
                new DirectusUser("evil-id", null, "Bo<b>", "\"Evil\""),
                new DirectusUser("sam-1", null, "Sam", "Same"),
                new DirectusUser("sam-2", null, "Sam", "Same")));
        IntStream.rangeClosed(1, 12)
                .forEach(n -> users.add(new DirectusUser("u" + n, null, "User", "%02d".formatted(n))));
        when(directus.users(any())).thenReturn(users);
    }

    private MvcTestResult get(String uri) {
        return mvc.get()
                .uri(uri)
                .header("HX-Request", "true")
                .with(authentication(alice))
                .exchange();
    }

    @Test
    void suggestsPeopleByFirstOrLastNamePrefixIgnoringCaseEscapedAtMostEight() {
        MvcTestResult bo = get("/people?q=bo");
        assertThat(bo).hasStatusOk();
        assertThat(bo)
                .bodyText()
                .contains("role=\"option\"", "data-user=\"bob-id\"", "data-name=\"Bob Example\"", ">Bob Example</li>")
                .contains(">Bo&lt;b&gt; &quot;Evil&quot;</li>")
                .doesNotContain("Alice", "Bo<b>");
        assertThat(get("/people?q=EXAM")).bodyText().contains("Alice Example", "Bob Example");
        assertThat(get("/people?q=user")).bodyText().contains("User 08").doesNotContain("User 09");
        assertThat(get("/people?q=zz")).hasStatusOk().bodyText().doesNotContain("option");
    }

    @Test
    void refusesALongOrRepeatedQueryAndNeverFailsWhenDirectusDoes() {
        assertThat(get("/people?q=" + "a".repeat(65))).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(get("/people?q=" + "a".repeat(64))).hasStatusOk();
        assertThat(get("/people?q=a&q=b")).hasStatus(HttpStatus.BAD_REQUEST);
        when(directus.users(any())).thenThrow(new DirectusException("down", null));
        assertThat(get("/people?q=bo")).hasStatusOk();
    }

    @Test
    void needsALogin() {
        assertThat(mvc.get().uri("/people?q=bo").exchange()).hasStatus(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aSendStoresTypedNamesAsTokensAndAPickedIdDecidesASharedName() {
        assertThat(send("hi @Bob Example and @sam same", null)).hasStatus(HttpStatus.NO_CONTENT);
        verify(directus).createMessage(tokens, GENERAL, "hi <@bob-id> and @sam same");
        assertThat(send("hi @Sam Same", "sam-2,<script>")).hasStatus(HttpStatus.NO_CONTENT);
        verify(directus).createMessage(tokens, GENERAL, "hi <@sam-2>");
        assertThat(send("<@not-a-user> typed", "")).hasStatus(HttpStatus.NO_CONTENT);
        verify(directus).createMessage(eq(tokens), eq(GENERAL), eq("<@not-a-user> typed"));
    }

    private MvcTestResult send(String content, String mentions) {
        var post = mvc.post()
                .uri("/messages")
                .header("HX-Request", "true")
                .param("content", content)
                .with(authentication(alice))
                .with(csrf());
        if (mentions != null) {
            post = post.param("mentions", mentions);
        }
        return post.exchange();
    }
}
