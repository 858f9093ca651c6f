package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import com.directuschat.directus.DirectusException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The rooms' pages and the send form, without Directus. */
class ChatControllerTest extends ChatWebMvcTestSupport {

    private void devHasTwoMessages() {
        when(directus.latestMessages(any(), eq(DEV), anyInt()))
                .thenReturn(List.of(
                        message(10, "hello <b>there</b>", BOB_ID, "Bob", "Example"),
                        message(11, "mine", ALICE_ID, "Alice", "Example")));
        when(readPositions.readPositions(any(), eq(ALICE_ID))).thenReturn(Map.of());
        when(readPositions.unreadCounts(any(), any(), any())).thenReturn(Map.of(GENERAL.id(), 3));
    }

    @Test
    void aRoomIsAWholePageForTheBrowser() {
        devHasTwoMessages();
        MvcTestResult page =
                mvc.get().uri("/rooms/dev").with(authentication(alice)).exchange();
        assertThat(page).hasStatusOk().hasViewName("chat/page");
        assertThat(page)
                .bodyText()
                .startsWith("<!DOCTYPE html>")
                .contains("<h2 id=\"room-name\">Dev</h2>")
                .contains("hello &lt;b&gt;there&lt;/b&gt;")
                .contains("sse-connect=\"/rooms/dev/stream?since=11\"")
                .contains("aria-label=\"General, 3 unread\"");
        // Only her own message has Edit and Delete.
        assertThat(page).bodyText().contains("id=\"m-11-edit\"").doesNotContain("id=\"m-10-edit\"");
        assertThat(page).model().containsEntry("viewerId", ALICE_ID).containsEntry("lastId", 11L);
    }

    @Test
    void htmxGetsTheAppElementAloneUnlessItRestoresHistory() {
        devHasTwoMessages();
        MvcTestResult app = mvc.get()
                .uri("/rooms/dev")
                .header("HX-Request", "true")
                .with(authentication(alice))
                .exchange();
        assertThat(app).hasStatusOk().hasViewName("chat/page :: app");
        assertThat(app).bodyText().startsWith("<div id=\"app\"").doesNotContain("<html");

        MvcTestResult restore = mvc.get()
                .uri("/rooms/dev")
                .header("HX-Request", "true")
                .header("HX-History-Restore-Request", "true")
                .with(authentication(alice))
                .exchange();
        assertThat(restore).hasStatusOk().hasViewName("chat/page");
    }

    @Test
    void theHomePageIsTheDefaultRoom() {
        when(directus.latestMessages(any(), eq(GENERAL), anyInt())).thenReturn(List.of());
        assertThat(mvc.get().uri("/").with(authentication(alice)))
                .hasStatusOk()
                .bodyText()
                .contains("<h2 id=\"room-name\">General</h2>")
                .contains("No messages yet. Say hello!");
    }

    @Test
    void aSlugThatCannotBeOneIsA400AndAnUnknownOneA404() {
        assertThat(mvc.get().uri("/rooms/No_Such").with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasErrorMessage("A room address is made of lowercase letters, digits and dashes (up to 64).");
        assertThat(mvc.get().uri("/rooms/nowhere").with(authentication(alice)))
                .hasStatus(HttpStatus.NOT_FOUND)
                .hasErrorMessage("There is no room called \"nowhere\". Pick one from the list of rooms.");
    }

    @Test
    void aUserDirectusDoesNotLetReadGetsTheNoAccessPage() {
        when(directus.latestMessages(any(), any(), anyInt())).thenThrow(new DirectusException(403, "FORBIDDEN", "no"));
        assertThat(mvc.get().uri("/rooms/dev").with(authentication(alice)))
                .hasStatus(HttpStatus.FORBIDDEN)
                .hasViewName("chat/no-access")
                .bodyText()
                .contains("You don't have access to this chat");
    }

    @Test
    void aSentMessageIsStoredStrippedAsTheUserAndHtmxGetsNoContent() {
        assertThat(post("/rooms/dev/messages", "  a, b and c \n")).hasStatus(HttpStatus.NO_CONTENT);
        verify(directus).createMessage(tokens, DEV, "a, b and c");
        String emoji = "😀".repeat(2000);
        assertThat(post("/messages", emoji)).hasStatus(HttpStatus.NO_CONTENT);
        verify(directus).createMessage(tokens, GENERAL, emoji);
    }

    @Test
    void aMessageThatCannotBeSentGetsItsReasonInTheErrorLine() {
        assertRefused(post("/rooms/dev/messages", " \n "), HttpStatus.UNPROCESSABLE_CONTENT, "Type a message first.");
        assertRefused(
                mvc.post()
                        .uri("/rooms/dev/messages")
                        .header("HX-Request", "true")
                        .with(authentication(alice))
                        .with(csrf())
                        .exchange(),
                HttpStatus.UNPROCESSABLE_CONTENT,
                "Type a message first.");
        assertRefused(
                post("/rooms/dev/messages", "x".repeat(2001)),
                HttpStatus.UNPROCESSABLE_CONTENT,
                "Your message is 2,001 characters long; the limit is 2,000. Shorten it and send again.");
        assertRefused(
                mvc.post()
                        .uri("/rooms/dev/messages")
                        .header("HX-Request", "true")
                        .param("content", "a", "b")
                        .with(authentication(alice))
                        .with(csrf())
                        .exchange(),
                HttpStatus.UNPROCESSABLE_CONTENT,
                "Send one message at a time.");
        verify(directus, never()).createMessage(any(), any(), any());
    }

    @Test
    void aDirectusFailureOnSendSaysWhatHappenedToTheMessage() {
        when(directus.createMessage(any(), any(), any())).thenThrow(new DirectusException("down", null));
        assertRefused(
                post("/rooms/dev/messages", "hi"),
                HttpStatus.SERVICE_UNAVAILABLE,
                "Directus is unreachable, so your message was not sent. It is still in the box; try again in a moment.");
    }

    @Test
    void withoutJavaScriptASendRedirectsBackAndAProblemKeepsTheText() {
        MvcTestResult sent = mvc.post()
                .uri("/rooms/dev/messages")
                .param("content", "plain form")
                .with(authentication(alice))
                .with(csrf())
                .exchange();
        assertThat(sent).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/rooms/dev");
        verify(directus).createMessage(tokens, DEV, "plain form");

        MvcTestResult refused = mvc.post()
                .uri("/messages")
                .param("content", " ")
                .with(authentication(alice))
                .with(csrf())
                .exchange();
        assertThat(refused).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/");
        assertThat(refused)
                .flash()
                .containsEntry("sendError", "Type a message first.")
                .containsEntry("draft", " ");
    }

    /** The room address goes back into the redirect as typed: braces in it are no URI template (they were a 500). */
    @Test
    void withoutJavaScriptARefusedSendToAnyAddressRedirectsBack() {
        MvcTestResult refused = mvc.post()
                .uri("/rooms/{slug}/messages", "{x}")
                .param("content", "")
                .with(authentication(alice))
                .with(csrf())
                .exchange();
        assertThat(refused).hasStatus(HttpStatus.FOUND).hasRedirectedUrl("/rooms/%7Bx%7D");
        assertThat(refused).flash().containsEntry("sendError", "Type a message first.");
    }

    @Test
    void aSendNeedsTheCsrfToken() {
        assertThat(mvc.post()
                        .uri("/rooms/dev/messages")
                        .header("HX-Request", "true")
                        .param("content", "hi")
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.FORBIDDEN);
        verify(directus, never()).createMessage(any(), any(), any());
    }

    private MvcTestResult post(String path, String content) {
        return mvc.post()
                .uri(path)
                .header("HX-Request", "true")
                .param("content", content)
                .with(authentication(alice))
                .with(csrf())
                .exchange();
    }

    private static void assertRefused(MvcTestResult result, HttpStatus status, String problem) {
        assertThat(result).hasStatus(status).hasViewName("chat/fragments :: send-error");
        assertThat(result)
                .bodyText()
                .isEqualTo("<p id=\"send-error\" class=\"error\" role=\"alert\">" + problem + "</p>");
    }
}
