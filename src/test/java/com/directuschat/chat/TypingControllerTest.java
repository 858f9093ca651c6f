package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

import com.directuschat.auth.ChatUser;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The typing signal: 204 for a room the user sees, a clear 4xx for anything else, never a 500. */
class TypingControllerTest extends ChatWebMvcTestSupport {

    private org.springframework.test.web.servlet.assertj.MvcTestResult typing(String path) {
        return mvc.post().uri(path).with(authentication(alice)).with(csrf()).exchange();
    }

    @Test
    void aSignalForARoomIsA204AndMarksTheUserTypingThere() {
        assertThat(typing("/rooms/dev/typing")).hasStatus(HttpStatus.NO_CONTENT);
        verify(online).typing(any(ChatUser.class), eq(DEV.id()));
        assertThat(typing("/typing")).hasStatus(HttpStatus.NO_CONTENT);
        verify(online).typing(any(ChatUser.class), eq(GENERAL.id()));
    }

    @Test
    void badInputIsAClear4xx() {
        assertThat(typing("/rooms/Not_A_Slug/typing")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(typing("/rooms/nowhere/typing")).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.post()
                        .uri("/rooms/dev/typing")
                        .with(authentication(alice))
                        .exchange())
                .as("without the CSRF token")
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.get()
                        .uri("/rooms/dev/typing")
                        .with(authentication(alice))
                        .exchange())
                .hasStatus4xxClientError();
        verify(online, never()).typing(any(), anyLong());
    }

    /** A room not among those known (they are cached), while Directus cannot be asked: 503, not a 500. */
    @Test
    void withDirectusUnreachableARoomNotKnownYetIsA503() {
        when(directus.rooms(any(AccessTokenSource.class), anyString())).thenThrow(new DirectusException("down", null));
        assertThat(typing("/rooms/not-known-yet/typing")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void aStoredMessageEndsItsAuthorsTyping() {
        assertThat(mvc.post()
                        .uri("/rooms/dev/messages")
                        .header("HX-Request", "true")
                        .param("content", "hello")
                        .with(authentication(alice))
                        .with(csrf())
                        .exchange())
                .hasStatus(HttpStatus.NO_CONTENT);
        verify(online).sent(ALICE_ID, DEV.id());
    }
}
