package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

import com.directuschat.directus.DirectusException;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** "Load earlier messages" and "Load newer messages", without Directus. */
class MessageHistoryControllerTest extends ChatWebMvcTestSupport {

    /** A GET as htmx makes it, as Alice. */
    private MvcTestResult htmx(String uri) {
        return mvc.get()
                .uri(uri)
                .header("HX-Request", "true")
                .with(authentication(alice))
                .exchange();
    }

    private static List<com.directuschat.directus.ChatMessage> bobs(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(id -> message(id, "m" + id, BOB_ID, "Bob", "Example"))
                .toList();
    }

    @Test
    void htmxGetsTheOlderPageAboveTheListAndTheLineFurtherBack() {
        // 51 found for a page of 50: there is more, and the button points below the oldest shown.
        when(directus.messagesBefore(any(), eq(DEV), eq(100L), eq(51))).thenReturn(bobs(49, 99));
        MvcTestResult earlier = htmx("/rooms/dev/messages?before=100");
        assertThat(earlier).hasStatusOk().hasViewName("chat/fragments :: earlier");
        assertThat(earlier)
                .bodyText()
                .contains("hx-get=\"/rooms/dev/messages?before=50\"")
                .contains("<ol hx-swap-oob=\"afterbegin:#messages\">")
                .contains("id=\"m-50\"")
                .doesNotContain("id=\"m-49\"");
    }

    @Test
    void newerPagesGoBelowTheListUntilTheNewestAndThenTheButtonGoes() {
        when(directus.messagesAfter(any(), eq(DEV), eq(100L), eq(51))).thenReturn(bobs(101, 151));
        MvcTestResult later = htmx("/rooms/dev/messages?after=100");
        assertThat(later).hasStatusOk().hasViewName("chat/fragments :: later");
        assertThat(later)
                .bodyText()
                .contains("hx-get=\"/rooms/dev/messages?after=150\"", "Load newer messages")
                .contains("<ol hx-swap-oob=\"beforeend:#messages\">")
                .contains("id=\"m-101\"", "id=\"m-150\"")
                .doesNotContain("id=\"m-151\"");

        when(directus.messagesAfter(any(), eq(DEV), eq(150L), eq(51))).thenReturn(bobs(151, 151));
        assertThat(htmx("/rooms/dev/messages?after=150"))
                .hasStatusOk()
                .bodyText()
                .contains("id=\"m-151\"", "<div id=\"newer\" class=\"history newer\">")
                .doesNotContain("load-newer");

        when(directus.messagesAfter(any(), eq(DEV), eq(151L), eq(51)))
                .thenThrow(new DirectusException("Directus is unreachable", new java.io.IOException("down")));
        assertThat(htmx("/rooms/dev/messages?after=151"))
                .hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
                .bodyText()
                .contains("newer messages could not be loaded", "hx-get=\"/rooms/dev/messages?after=151\"");
    }

    @Test
    void theBeginningIsSaid() {
        when(directus.messagesBefore(any(), eq(GENERAL), anyLong(), anyInt()))
                .thenReturn(List.of(message(1, "first", BOB_ID, "Bob", "Example")));
        assertThat(mvc.get()
                        .uri("/messages?before=2")
                        .header("HX-Request", "true")
                        .with(authentication(alice)))
                .hasStatusOk()
                .bodyText()
                .contains("This is the beginning of the room.");
    }

    @Test
    void aPlainBrowserGetGoesToTheRoom() {
        assertThat(mvc.get().uri("/rooms/dev/messages?before=5").with(authentication(alice)))
                .hasStatus(HttpStatus.FOUND)
                .hasRedirectedUrl("/rooms/dev");
    }

    /** Braces in the room address are no URI template variable (the redirect was a 500). */
    @Test
    void aPlainBrowserGetOfAnyAddressGoesToThatAddressEncoded() {
        assertThat(mvc.get().uri("/rooms/{slug}/messages?before=1", "{x}").with(authentication(alice)))
                .hasStatus(HttpStatus.FOUND)
                .hasRedirectedUrl("/rooms/%7Bx%7D");
        assertThat(mvc.get().uri("/rooms/{slug}/messages?before=1", "grüße").with(authentication(alice)))
                .hasStatus(HttpStatus.FOUND)
                .hasRedirectedUrl("/rooms/gr%C3%BC%C3%9Fe");
    }

    @Test
    void beforeMustBeOneMessageId() {
        for (String query :
                new String[] {"", "?before=", "?before=0", "?before=abc", "?before=9007199254740992", "?before=1,2"}) {
            assertThat(mvc.get()
                            .uri("/rooms/dev/messages" + query)
                            .header("HX-Request", "true")
                            .with(authentication(alice)))
                    .as(query)
                    .hasStatus(HttpStatus.BAD_REQUEST)
                    .hasErrorMessage("before must be a message id: a whole number from 1 to 9007199254740991.");
        }
        assertThat(mvc.get()
                        .uri("/rooms/dev/messages?before=5&before=6")
                        .header("HX-Request", "true")
                        .with(authentication(alice)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasErrorMessage("before must be given once.");
    }

    @Test
    void aFailureKeepsTheButtonAndSaysWhy() {
        when(directus.messagesBefore(any(), any(), anyLong(), anyInt())).thenThrow(new DirectusException("down", null));
        MvcTestResult failed = mvc.get()
                .uri("/rooms/dev/messages?before=100")
                .header("HX-Request", "true")
                .with(authentication(alice))
                .exchange();
        assertThat(failed).hasStatus(HttpStatus.SERVICE_UNAVAILABLE).hasViewName("chat/fragments :: history");
        assertThat(failed)
                .bodyText()
                .contains("hx-get=\"/rooms/dev/messages?before=100\"")
                .contains("Directus is unreachable, so older messages could not be loaded. Try again in a moment.");
    }
}
