package com.directuschat.chat;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.directuschat.auth.ChatUser;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.auth.TestLogins;
import com.directuschat.auth.TokenHolder;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusReadPositions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The chat package's controllers in a {@code @WebMvcTest} slice: real MVC, validation, templates and Spring Boot's
 * default security chain; Directus and the live parts mocked. One context for all the chat slices.
 */
@WebMvcTest(
        controllers = {
            ChatController.class,
            MessageHistoryController.class,
            MessageEditController.class,
            MessageStreamController.class,
            TypingController.class,
            PeopleController.class
        })
// The people directory is read on every request here, so each test's stubbed users count.
@org.springframework.test.context.TestPropertySource(properties = "chat.people-max-age=0s")
@Import({Rooms.class, People.class})
@EnableConfigurationProperties(ChatProperties.class)
abstract class ChatWebMvcTestSupport {

    static final ChatRoom GENERAL = new ChatRoom(1, "general", "General", null, true);
    static final ChatRoom DEV = new ChatRoom(2, "dev", "Dev", "Talk about code", false);
    static final String ALICE_ID = "alice-id";
    static final String BOB_ID = "bob-id";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    DirectusClient directus;

    @MockitoBean
    DirectusReadPositions readPositions;

    @MockitoBean
    MessageCache cache;

    @MockitoBean
    ChatSessions sessions;

    @MockitoBean
    OnlineList online;

    @MockitoBean
    Fragments fragments;

    @MockitoBean
    LocalFanOut fanOut;

    final TokenHolder tokens = mock(TokenHolder.class);
    final DirectusAuthentication alice = login(ALICE_ID, "Alice Example", tokens);

    @BeforeEach
    @SuppressWarnings("unchecked")
    void directusWithTwoRooms() {
        when(directus.rooms(any(AccessTokenSource.class), anyString())).thenReturn(List.of(GENERAL, DEV));
        when(sessions.of(any(), any(), any())).thenReturn(mock(ChatSession.class));
        when(sessions.metrics()).thenReturn(new ChatMetrics(new SimpleMeterRegistry()));
        when(sessions.acceptsStreams()).thenReturn(true);
        // ChatSessions is a lifecycle bean: the context's start asked the mock whether it starts by itself.
        org.mockito.Mockito.clearInvocations(sessions);
        // The cache runs what it is given, as the real one does on a create or an edit.
        when(cache.create(any())).thenAnswer(call -> ((Supplier<ChatMessage>) call.getArgument(0)).get());
        when(cache.edit(org.mockito.ArgumentMatchers.anyLong(), any()))
                .thenAnswer(call -> ((Supplier<ChatMessage>) call.getArgument(1)).get());
    }

    /** A login as the security chain keeps it; the handlers take it as an argument. */
    static DirectusAuthentication login(String id, String name, TokenHolder tokens) {
        return TestLogins.of(new ChatUser(id, id + "@example.com", name), tokens);
    }

    static ChatMessage message(long id, String content, String authorId, String first, String last) {
        return new ChatMessage(id, content, Instant.parse("2026-11-28T10:00:00Z"), authorId, first, last, null, null);
    }
}
