package com.directuschat.chat;

import static com.directuschat.testsupport.ChatPage.message;
import static com.directuschat.testsupport.ChatPage.send;
import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 4, "never lose a message": Alice's event stream breaks mid-conversation, Bob keeps talking, and
 * Alice's page shows every message she missed exactly once, in id order, whichever way the browser
 * resumes: the EventSource's own reconnect (with {@code Last-Event-ID}) or the htmx extension's new
 * EventSource after a failed reconnect (with the page's {@code since=}).
 */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamResumeBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STREAM = "**/stream*";
    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    /**
     * Records, from now on, the id of every SSE message event the page is handed (before its de-dup), from its HTML:
     * the event's own id is the tab's position.
     */
    private static final String RECORD_EVENTS = """
            () => {
              window.__sseIds = [];
              if (!window.__sseRecorder) {
                window.__sseRecorder = true;
                document.addEventListener('htmx:sseBeforeMessage', e => {
                  const id = e.detail && e.detail.type === 'message' && /data-id="(\\d+)"/.exec(e.detail.data);
                  if (id) { window.__sseIds.push(Number(id[1])); }
                });
              }
            }""";

    /** Records, from now on, every text the connection status shows. */
    private static final String RECORD_STATUS = """
            () => {
              window.__statuses = [];
              const status = document.getElementById('connection-status');
              new MutationObserver(() => window.__statuses.push(status.textContent.trim()))
                  .observe(status, { childList: true, subtree: true, characterData: true });
            }""";

    @LocalServerPort
    int port;

    @Autowired
    ChatSessions chatSessions;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    BrowserContext aliceContext;
    BrowserContext bobContext;
    String directus;
    String bobToken;

    @BeforeEach
    void contexts() {
        directus = TestDirectus.shared().url();
        bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        aliceContext = chromium.browser().newContext();
        bobContext = chromium.browser().newContext();
    }

    @AfterEach
    void closeContexts() {
        aliceContext.close();
        bobContext.close();
    }

    @Test
    void theBrowsersOwnReconnectResumesFromLastEventId() {
        String tag = tag();
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        chat(alice, bob, tag);
        long highest = highestId(alice);
        awaitAlicesPosition(highest);

        List<Request> streamRequests = new CopyOnWriteArrayList<>();
        alice.onRequest(request -> {
            if (request.url().contains("/stream?")) {
                streamRequests.add(request);
            }
        });
        alice.evaluate(RECORD_EVENTS);

        // The EventSource waits its reconnection time (3 s in Chromium) before it reconnects: Bob's messages are
        // created in that gap, while Alice has no open stream. (The reconnect is deliberately not held with
        // page.route: with interception on, Playwright leaves Last-Event-ID out of the request's reported
        // headers, though Chromium still sends it.)
        List<Long> missed = new ArrayList<>();
        Response reconnect = alice.waitForResponse(r -> r.url().contains("/stream?"), () -> {
            ChatSession session = breakAlicesStream();
            missed.addAll(createMissedMessages(tag));
            assertThat(session.streams())
                    .as("Alice reconnected before Bob's messages were created: no gap to test")
                    .allMatch(MessageStream::isClosed);
        });

        assertThat(reconnect.status()).isEqualTo(200);
        assertThat(streamRequests).hasSize(1);
        assertThat(reconnect.request().allHeaders()).containsEntry("last-event-id", Long.toString(highest));
        // The native reconnect reuses the first URL, whose since= is older than the conversation: only the
        // header can tell the server where Alice was.
        assertThat(reconnect.url()).doesNotContain("since=" + highest);
        assertThat(missed).hasSize(3).isSorted();
        assertThat(missed.get(0)).isGreaterThan(highest);
        long fence = awaitMissedAndFence(alice, tag, missed);

        List<Long> delivered = sseIds(alice);
        assertThat(delivered)
                .as("the server replays exactly what came after Last-Event-ID, then goes live")
                .containsExactly(missed.get(0), missed.get(1), missed.get(2), fence);
        assertOnceInOrder(alice, tag, missed, fence);
    }

    @Test
    void aNewEventSourceAfterAFailedReconnectResumesFromSince() {
        String tag = tag();
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        chat(alice, bob, tag);
        long highest = highestId(alice);

        // The native reconnect (the first stream request) fails with 503: the EventSource goes CLOSED and the
        // htmx extension builds a new one from sse-connect. Bob's messages are created during that gap.
        List<Long> missed = new CopyOnWriteArrayList<>();
        List<Request> refused = new CopyOnWriteArrayList<>();
        AtomicBoolean failedOnce = new AtomicBoolean();
        alice.route(STREAM, route -> {
            if (failedOnce.compareAndSet(false, true)) {
                missed.addAll(createMissedMessages(tag));
                refused.add(route.request());
                route.fulfill(new Route.FulfillOptions().setStatus(503).setBody("down for a moment"));
            } else {
                route.resume();
            }
        });
        alice.evaluate(RECORD_EVENTS);
        alice.evaluate(RECORD_STATUS);

        Response reconnect = alice.waitForResponse(
                r -> r.url().contains("/stream?") && r.status() == 200, () -> breakAlicesStream());

        assertThat(refused).hasSize(1);
        Request resumed = reconnect.request();
        assertThat(resumed).isNotSameAs(refused.get(0));
        assertThat(resumed.allHeaders()).doesNotContainKey("last-event-id");
        // since= is the page's position: the highest id Directus confirmed to it, at most the highest it shows (a
        // message sent through the chat shows before Directus confirms it); what it shows above is in shown=.
        java.util.regex.Matcher since =
                java.util.regex.Pattern.compile("[?&]since=(\\d+)").matcher(resumed.url());
        assertThat(since.find()).isTrue();
        assertThat(Long.parseLong(since.group(1))).isLessThanOrEqualTo(highest);
        assertThat(resumed.url()).containsPattern("[?&]shown=([0-9]+,)*" + highest + "(,|&|$)");
        assertThat(missed).hasSize(3).isSorted();
        assertThat(missed.get(0)).isGreaterThan(highest);
        long fence = awaitMissedAndFence(alice, tag, missed);

        assertThat(sseIds(alice))
                .as("the server replays exactly what came after since=, then goes live")
                .containsExactly(missed.get(0), missed.get(1), missed.get(2), fence);
        assertOnceInOrder(alice, tag, missed, fence);

        assertThat(alice.locator("#connection-status")).hasText("Connected");
        @SuppressWarnings("unchecked")
        List<String> statuses = (List<String>) alice.evaluate("() => window.__statuses");
        // Both transient states are set synchronously by chat.js on the EventSource's error events, so the
        // recorder sees them however briefly they are shown.
        assertThat(statuses).containsSubsequence("Reconnecting…", "Offline — retrying", "Connected");
    }

    /**
     * On PostgreSQL a lower id can commit after a higher one. Here an id below Alice's position, taken and freed
     * before her page rendered, is created late (as the admin, with that id) while her stream is live. Her page told
     * the server which ids it shows near its position ({@code shown=}), so it gets that message, once, in id order,
     * and is handed nothing it has again.
     */
    @Test
    void aLowerIdCommittedLateAppearsOnceInIdOrder() {
        String tag = tag();
        String admin = TestDirectus.adminToken();
        long late = DirectusRest.createMessage(directus, bobToken, "taken and freed " + tag);
        long above = DirectusRest.createMessage(directus, bobToken, "above the late one " + tag);
        DirectusRest.call(directus, "DELETE", "/items/messages/" + late, admin, null);
        List<Request> streams = new CopyOnWriteArrayList<>();
        aliceContext.onRequest(request -> {
            if (request.url().contains("/stream?")) {
                streams.add(request);
            }
        });
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(alice.locator("#connection-status")).containsText("Connected");
        alice.evaluate(RECORD_EVENTS);
        long since = highestId(alice);
        assertThat(late).as("within the overlap (20) below the page's position").isGreaterThan(since - 20);
        List<Long> shown = pageIds(alice).stream()
                .filter(id -> id > since - 20 && id <= since)
                .toList();
        assertThat(shown).contains(above).doesNotContain(late);
        assertThat(streams).hasSize(1);
        assertThat(streams.get(0).url())
                .contains("since=" + since)
                .containsPattern(
                        "[?&]shown=" + shown.stream().map(String::valueOf).collect(Collectors.joining(",")) + "(&|$)");

        DirectusRest.createMessageWithId(directus, admin, late, "committed late " + tag);
        assertThat(message(alice, "committed late " + tag)).hasCount(1);
        long fence = DirectusRest.createMessage(directus, bobToken, "after the late one " + tag);
        assertThat(message(alice, "after the late one " + tag)).hasCount(1);

        assertThat(sseIds(alice)).containsExactly(late, fence);
        assertThat(pageIds(alice)).isSorted().doesNotHaveDuplicates().contains(late, above, fence);
    }

    @Test
    void aPositionAboveTheNewestGoesLiveWithoutReplayAndDeliversWhatComesNext() {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        alice.get("/");
        long before = DirectusRest.createMessage(directus, bobToken, "before the far-ahead stream " + tag());
        try (SseConnection stream = alice.stream("since=999999999", null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            long next = DirectusRest.createMessage(directus, bobToken, "after the far-ahead stream " + tag());
            stream.await(e -> String.valueOf(next).equals(e.id()), WAIT);
            assertThat(stream.messages()).extracting(SseEvent::id).containsExactly(String.valueOf(next));
            assertThat(next).isGreaterThan(before);
        }
        try (SseConnection stream = alice.stream(null, "999999999")) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            long next = DirectusRest.createMessage(directus, bobToken, "after a far-ahead Last-Event-ID " + tag());
            stream.await(e -> String.valueOf(next).equals(e.id()), WAIT);
            assertThat(stream.messages()).extracting(SseEvent::id).containsExactly(String.valueOf(next));
        }
    }

    // --- helpers ---

    private Page open(BrowserContext context, String email, String password) {
        Page page = context.newPage();
        page.setDefaultTimeout(WAIT.toMillis());
        page.navigate("http://localhost:" + port + "/");
        ChatPage.logIn(page, email, password);
        return page;
    }

    /** A short conversation through the UI, so Alice's page has received messages over its stream. */
    private static void chat(Page alice, Page bob, String tag) {
        send(alice, "hi bob " + tag);
        assertThat(message(bob, "hi bob " + tag)).hasCount(1);
        send(bob, "hi alice " + tag);
        assertThat(message(alice, "hi alice " + tag)).hasCount(1);
        assertThat(message(alice, "hi bob " + tag)).hasCount(1);
        assertThat(alice.locator("#messages li.message").last()).containsText("hi alice " + tag);
    }

    private List<Long> createMissedMessages(String tag) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(DirectusRest.createMessage(directus, bobToken, "missed " + i + " " + tag));
        }
        return ids;
    }

    /** Ends Alice's stream from the server, as a stream timeout or a proxy would. */
    private ChatSession breakAlicesStream() {
        ChatSession session = alicesSession();
        session.streams().forEach(MessageStream::complete);
        return session;
    }

    private ChatSession alicesSession() {
        String sessionId = aliceContext.cookies().stream()
                .filter(c -> c.name.equals("JSESSIONID"))
                .map(c -> c.value)
                .findFirst()
                .orElseThrow();
        return await().atMost(WAIT)
                .until(
                        () -> chatSessions.find(sessionId),
                        s -> s != null && !s.streams().isEmpty());
    }

    /**
     * Bob's last message reached Alice's tab straight from his send; her position (and so her browser's
     * Last-Event-ID) moves there once Directus's event confirms it.
     */
    private void awaitAlicesPosition(long id) {
        ChatSession session = alicesSession();
        await().atMost(WAIT).until(() -> session.streams().stream().allMatch(s -> s.position() >= id));
    }

    /** Waits for the missed messages, then one sent after the resume, which fences any late duplicate. */
    private long awaitMissedAndFence(Page alice, String tag, List<Long> missed) {
        for (int i = 1; i <= 3; i++) {
            assertThat(message(alice, "missed " + i + " " + tag)).hasCount(1);
        }
        long fence = DirectusRest.createMessage(directus, bobToken, "after the resume " + tag);
        assertThat(message(alice, "after the resume " + tag)).hasCount(1);
        assertThat(alice.locator("#m-" + fence)).hasCount(1);
        for (long id : missed) {
            assertThat(alice.locator("#m-" + id)).hasCount(1);
        }
        return fence;
    }

    private static void assertOnceInOrder(Page alice, String tag, List<Long> missed, long fence) {
        List<Long> ids = pageIds(alice);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        List<Long> expected = new ArrayList<>(missed);
        expected.add(fence);
        assertThat(ids.stream().filter(expected::contains).toList()).containsExactlyElementsOf(expected);
        List<String> texts = alice.locator("#messages li.message .content").allTextContents().stream()
                .filter(t -> t.endsWith(tag))
                .toList();
        assertThat(texts)
                .containsExactly(
                        "hi bob " + tag,
                        "hi alice " + tag,
                        "missed 1 " + tag,
                        "missed 2 " + tag,
                        "missed 3 " + tag,
                        "after the resume " + tag);
    }

    private static long highestId(Page page) {
        List<Long> ids = pageIds(page);
        assertThat(ids).isNotEmpty().isSorted();
        return ids.get(ids.size() - 1);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> pageIds(Page page) {
        List<Object> raw = (List<Object>)
                page.locator("#messages li.message").evaluateAll("els => els.map(e => e.getAttribute('data-id'))");
        return raw.stream().map(v -> Long.parseLong(String.valueOf(v))).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Long> sseIds(Page page) {
        List<Object> raw = (List<Object>) page.evaluate("() => window.__sseIds");
        return raw.stream().map(v -> ((Number) v).longValue()).toList();
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
