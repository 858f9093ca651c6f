package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** Editing and deleting one's own messages, without Directus. */
class MessageEditControllerTest extends ChatWebMvcTestSupport {

    private static final ChatMessage HERS = message(7, "before", ALICE_ID, "Alice", "Example");
    private static final ChatMessage HIS = message(8, "his", BOB_ID, "Bob", "Example");

    private MvcTestResult patch(String path, String body) {
        return mvc.patch()
                .uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .content(body)
                .header("HX-Request", "true")
                .with(authentication(alice))
                .with(csrf())
                .exchange();
    }

    @Test
    void anEditOfHerOwnMessageAnswersWithTheMessageAsItNowIs() {
        when(directus.messagesByIds(any(), any())).thenReturn(List.of(HERS));
        when(directus.updateMessage(tokens, 7, "after, and more"))
                .thenReturn(message(7, "after, and more", ALICE_ID, "Alice", "Example"));
        MvcTestResult edited = patch("/messages/7", "content=+after%2C+and+more%0A");
        assertThat(edited).hasStatusOk().hasViewName("chat/fragments :: message");
        assertThat(edited)
                .bodyText()
                .startsWith("<li class=\"message\" id=\"m-7\"")
                .contains("after, and more")
                .contains("id=\"m-7-edit\"");
    }

    @Test
    void theSameTextAgainChangesNothing() {
        when(directus.messagesByIds(any(), any())).thenReturn(List.of(HERS));
        assertThat(patch("/messages/7", "content=before")).hasStatusOk();
        verify(directus, never()).updateMessage(any(), anyLong(), anyString());
    }

    @Test
    void refusalsAreOneLineWithTheirStatus() {
        when(directus.messagesByIds(any(), any())).thenReturn(List.of(HIS));
        assertRefused(
                patch("/messages/8", "content=mine+now"),
                HttpStatus.FORBIDDEN,
                "You can only edit your own messages; this one is Bob Example&#39;s.");
        assertRefused(
                mvc.delete()
                        .uri("/messages/8")
                        .with(authentication(alice))
                        .with(csrf())
                        .exchange(),
                HttpStatus.FORBIDDEN,
                "You can only delete your own messages; this one is Bob Example&#39;s.");
        assertRefused(
                patch("/messages/x1", "content=hi"),
                HttpStatus.BAD_REQUEST,
                "That is not a message id: it must be a whole number from 1 to 9007199254740991.");
        assertRefused(patch("/messages/7", "content=+"), HttpStatus.UNPROCESSABLE_CONTENT, "Type a message first.");
        assertRefused(
                patch("/messages/7", "content=a&content=b"),
                HttpStatus.UNPROCESSABLE_CONTENT,
                "Give the new text once.");
        when(directus.messagesByIds(any(), any())).thenReturn(List.of());
        assertRefused(
                patch("/messages/9", "content=hi"),
                HttpStatus.NOT_FOUND,
                "There is no message 9 that you can see. It may have been deleted.");
        verify(directus, never()).updateMessage(any(), anyLong(), anyString());
        verify(directus, never()).deleteMessage(any(), anyLong());
    }

    @Test
    void aDeleteOfHerOwnMessageTellsTheCache() {
        when(directus.messagesByIds(any(), any())).thenReturn(List.of(HERS));
        assertThat(mvc.delete().uri("/messages/7").with(authentication(alice)).with(csrf()))
                .hasStatusOk();
        verify(directus).deleteMessage(tokens, 7);
        verify(cache).deleted(List.of(7L));
    }

    @Test
    void directusDownIsA503ThatSaysNothingChanged() {
        when(directus.messagesByIds(any(), any())).thenThrow(new DirectusException("down", null));
        assertRefused(
                patch("/messages/7", "content=hi"),
                HttpStatus.SERVICE_UNAVAILABLE,
                "Directus is unreachable, so the message was not changed. Try again in a moment.");
    }

    @Test
    void changesNeedTheCsrfToken() {
        assertThat(mvc.delete().uri("/messages/7").with(authentication(alice))).hasStatus(HttpStatus.FORBIDDEN);
        verify(directus, never()).messagesByIds(any(), any());
    }

    private static void assertRefused(MvcTestResult result, HttpStatus status, String problem) {
        assertThat(result).hasStatus(status).hasViewName("chat/fragments :: message-error");
        assertThat(result).bodyText().isEqualTo("<p class=\"error message-error\" role=\"alert\">" + problem + "</p>");
    }
}
