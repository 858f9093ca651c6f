package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

import com.directuschat.directus.DirectusException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** The stream's refusals, decided before any stream opens; the stream itself is MessageStreamTest's and the ITs'. */
class MessageStreamControllerTest extends ChatWebMvcTestSupport {

    @Test
    void aUserDirectusDoesNotLetReadGetsNoStream() {
        when(directus.latestMessages(any(), any(), anyInt())).thenThrow(new DirectusException(403, "FORBIDDEN", "no"));
        assertThat(mvc.get()
                        .uri("/rooms/dev/stream?since=0")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.FORBIDDEN)
                .hasErrorMessage("You don't have access to this chat.");
        verifyNoInteractions(sessions, online);
    }

    @Test
    void positionsAndPagesMustBeWhatTheyClaim() {
        assertThat(mvc.get()
                        .uri("/rooms/dev/stream?since=abc")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasErrorMessage("since must be a message id (a whole number)");
        assertThat(mvc.get()
                        .uri("/rooms/dev/stream")
                        .header("Last-Event-ID", "-3")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasErrorMessage("Last-Event-ID must be a message id (a whole number)");
        assertThat(mvc.get()
                        .uri("/rooms/dev/stream?page=<x>")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasErrorMessage("page must be up to 64 letters, digits, _ or -");
        assertThat(mvc.get()
                        .uri("/rooms/No_Room/stream")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(mvc.get()
                        .uri("/rooms/nowhere/stream")
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.NOT_FOUND);
        verifyNoInteractions(sessions, online);
    }
}
