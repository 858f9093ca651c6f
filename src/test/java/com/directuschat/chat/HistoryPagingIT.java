package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import com.directuschat.testsupport.SseEvent;
import com.directuschat.testsupport.TestDirectus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "Load earlier messages" ({@code GET /messages?before=<id>}) and links, over HTTP against the shared real Directus. */
@DirectusTest
class HistoryPagingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> HTMX = Map.of("HX-Request", "true");
    private static final Pattern MESSAGE =
            Pattern.compile("<li class=\"message\" id=\"m-(\\d+)\"[\\s\\S]*?<p class=\"content\">([\\s\\S]*?)</p>");
    private static final Pattern BEFORE = Pattern.compile("hx-get=\"/rooms/general/messages\\?before=(\\d+)\"");
    private static final String BEGINNING = "This is the beginning of the room.";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    String directus;
    ChatClient alice;

    @BeforeEach
    void logIn() {
        directus = TestDirectus.shared().url();
        alice = ChatClient.loggedIn(port, ALICE_EMAIL, ALICE_PASSWORD);
    }

    /** One page (the chat page or an answer to "Load earlier messages"): its messages in order, and where it goes next. */
    record Page(Map<Long, String> messages, Long before, boolean beginning) {

        static Page of(String html) {
            Map<Long, String> messages = new LinkedHashMap<>();
            Matcher message = MESSAGE.matcher(html);
            while (message.find()) {
                assertThat(messages.put(Long.parseLong(message.group(1)), message.group(2)))
                        .as("repeated in one answer")
                        .isNull();
            }
            Matcher before = BEFORE.matcher(html);
            Long next = before.find() ? Long.parseLong(before.group(1)) : null;
            boolean beginning = html.contains(BEGINNING);
            assertThat(next == null).as("either a button or the beginning").isEqualTo(beginning);
            return new Page(messages, next, beginning);
        }

        List<Long> ids() {
            return List.copyOf(messages.keySet());
        }
    }

    private Page earlier(long before) {
        HttpResponse<String> response = alice.get("/messages?before=" + before, HTMX);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Page.of(response.body());
    }

    private List<Long> seed(String tag, int count) {
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        List<Long> created = new ArrayList<>();
        for (int batch = 0; batch < count; batch += 100) {
            List<Map<String, String>> items = new ArrayList<>();
            for (int i = batch; i < Math.min(count, batch + 100); i++) {
                items.add(Map.of("content", tag + " " + i));
            }
            DirectusRest.call(directus, "POST", "/items/messages", bobToken, JSON.writeValueAsString(items))
                    .path("data")
                    .forEach(item -> created.add(item.path("id").asLong()));
        }
        assertThat(created).hasSize(count).isSorted();
        return created;
    }

    /** Ids of all messages, as the admin sees them, sorted by {@code sort}. */
    private List<Long> allIds(String sort, int limit) {
        JsonNode data = DirectusRest.call(
                        directus,
                        "GET",
                        "/items/messages?fields=id&sort=" + sort + "&limit=" + limit,
                        TestDirectus.adminToken(),
                        null)
                .path("data");
        List<Long> ids = new ArrayList<>();
        data.forEach(node -> ids.add(node.path("id").asLong()));
        return ids;
    }

    @Test
    void pagingBackReachesTheFirstOfAThousandMessagesWithNothingSkippedOrRepeated() {
        String tag = "paging-" + UUID.randomUUID().toString().substring(0, 8);
        List<Long> seeded = seed(tag, 1000);

        Page page = Page.of(alice.get("/").body());
        assertThat(page.messages()).hasSize(100);
        assertThat(page.before()).isEqualTo(page.ids().get(0));
        List<List<Long>> pages = new ArrayList<>();
        pages.add(page.ids());
        Map<Long, String> contents = new HashMap<>(page.messages());
        int requests = 0;
        while (!contents.containsKey(seeded.get(0))) {
            assertThat(page.before())
                    .as("a button while the first seeded message is still ahead")
                    .isNotNull();
            assertThat(++requests).as("requests").isLessThan(100);
            long before = page.before();
            page = earlier(before);
            assertThat(page.ids()).isSorted().allSatisfy(id -> assertThat(id).isLessThan(before));
            if (!page.beginning()) {
                assertThat(page.ids()).hasSize(50);
                assertThat(page.before()).isEqualTo(page.ids().get(0));
            }
            pages.add(0, page.ids());
            page.messages()
                    .forEach((id, content) -> assertThat(contents.put(id, content))
                            .as("id %d twice", id)
                            .isNull());
        }

        List<Long> shown = pages.stream().flatMap(List::stream).toList();
        assertThat(shown).doesNotHaveDuplicates().isSorted();
        List<Long> mine = shown.stream()
                .filter(id -> contents.get(id).startsWith(tag + " "))
                .toList();
        assertThat(mine).containsExactlyElementsOf(seeded);
        for (int i = 0; i < seeded.size(); i++) {
            assertThat(contents.get(seeded.get(i))).isEqualTo(tag + " " + i);
        }
        assertThat(requests).isGreaterThanOrEqualTo(18);
    }

    @Test
    void theFirstMessageOfTheChatEndsTheHistory() {
        seed("beginning-" + UUID.randomUUID().toString().substring(0, 8), 60);
        List<Long> oldest = allIds("id", 51);
        assertThat(oldest).hasSize(51);

        Page first = earlier(oldest.get(0) + 1);
        assertThat(first.ids()).containsExactly(oldest.get(0));
        assertThat(first.beginning()).isTrue();

        // Exactly a page's worth left: the beginning at once, not a button that leads to nothing.
        Page lastPage = earlier(oldest.get(50));
        assertThat(lastPage.ids()).containsExactlyElementsOf(oldest.subList(0, 50));
        assertThat(lastPage.beginning()).isTrue();

        HttpResponse<String> nothing = alice.get("/messages?before=" + oldest.get(0), HTMX);
        assertThat(nothing.statusCode()).isEqualTo(200);
        assertThat(nothing.body())
                .contains(BEGINNING)
                .doesNotContain("hx-swap-oob")
                .doesNotContain("class=\"message\"");
        assertThat(alice.get("/messages?before=1", HTMX).body()).contains(BEGINNING);
    }

    @Test
    void aBeforeBeyondTheNewestIdGivesTheNewestMessages() {
        seed("newest-" + UUID.randomUUID().toString().substring(0, 8), 60);
        List<Long> newest = allIds("-id", 51);
        List<Long> newest50 = new ArrayList<>(newest.subList(0, 50));
        java.util.Collections.reverse(newest50);
        for (long before : new long[] {newest.get(0) + 1, newest.get(0) + 1_000_000, ChatController.MAX_MESSAGE_ID}) {
            Page page = earlier(before);
            assertThat(page.ids()).as("before=%d", before).containsExactlyElementsOf(newest50);
            assertThat(page.before()).isEqualTo(newest.get(49));
        }
    }

    @Test
    void badBeforeValuesAreRefusedWithAShortMessage() {
        for (String query : List.of(
                "before=abc",
                "before=-1",
                "before=0",
                "before=",
                "before=1.5",
                "before=%205",
                "before=+5",
                "before=0x10",
                "before=9007199254740992",
                "before=99999999999999999999999999",
                "before=5&before=6",
                "before=%00",
                "")) {
            for (Map<String, String> headers : List.of(HTMX, Map.<String, String>of())) {
                HttpResponse<String> response = alice.get("/messages" + (query.isEmpty() ? "" : "?" + query), headers);
                String what = query + " " + headers;
                assertThat(response.statusCode()).as(what).isEqualTo(400);
                String body = response.body().strip();
                assertThat(body.lines().count()).as(what + ": " + body).isEqualTo(1);
                assertThat(body)
                        .as(what)
                        .startsWith("400 Bad Request: before must be")
                        .hasSizeLessThan(120)
                        .doesNotContain("Exception");
            }
        }
        assertThat(alice.get("/messages?before=5&before=6", HTMX).body()).contains("before must be given once");
        for (String query : List.of("after=abc", "after=-1", "after=0", "after=", "after=9007199254740992")) {
            for (Map<String, String> headers : List.of(HTMX, Map.<String, String>of())) {
                HttpResponse<String> response = alice.get("/messages?" + query, headers);
                assertThat(response.statusCode()).as(query).isEqualTo(400);
                assertThat(response.body()).as(query).startsWith("400 Bad Request: after must be");
            }
            HttpResponse<String> around = alice.get("/?" + query.replace("after", "around"));
            assertThat(around.statusCode()).as(query).isEqualTo(400);
            assertThat(around.body()).as(query).contains("around must be");
        }
    }

    private static final Pattern ANY_MESSAGE = Pattern.compile("<li class=\"message(?: found)?\" id=\"m-(\\d+)\"");
    private static final Pattern AFTER = Pattern.compile("hx-get=\"/rooms/general/messages\\?after=(\\d+)\"");

    private static List<Long> messageIds(String html) {
        List<Long> ids = new ArrayList<>();
        Matcher message = ANY_MESSAGE.matcher(html);
        while (message.find()) {
            ids.add(Long.parseLong(message.group(1)));
        }
        return ids;
    }

    private static Long after(String html) {
        Matcher after = AFTER.matcher(html);
        return after.find() ? Long.parseLong(after.group(1)) : null;
    }

    @Test
    void aRoomOpenedAroundAMessagePagesOnToTheNewestWithNothingSkippedOrRepeated() {
        String tag = "around-" + UUID.randomUUID().toString().substring(0, 8);
        List<Long> seeded = seed(tag, 200);
        long target = seeded.get(50);

        String html = alice.get("/rooms/general?around=" + target).body();
        List<Long> window = messageIds(html);
        assertThat(window).hasSize(50).isSorted();
        assertThat(window.get(24)).isEqualTo(target);
        assertThat(window.subList(25, 50)).containsExactlyElementsOf(seeded.subList(51, 76));
        assertThat(html).contains("class=\"message found\" id=\"m-" + target + "\"");
        assertThat(html).contains("before=" + window.get(0));
        // The stream starts at the newest message: the gap below the window is the newer pages' to fill.
        long newest = allIds("-id", 1).get(0);
        assertThat(html).contains("since=" + newest + "\"");
        assertThat(after(html)).isEqualTo(window.get(49));

        List<Long> shown = new ArrayList<>(window);
        Long next = after(html);
        long posted = 0;
        int requests = 0;
        while (next != null) {
            assertThat(++requests).as("requests").isLessThan(10);
            HttpResponse<String> response = alice.get("/messages?after=" + next, HTMX);
            assertThat(response.statusCode()).isEqualTo(200);
            List<Long> page = messageIds(response.body());
            long from = next;
            assertThat(page).isSorted().allSatisfy(id -> assertThat(id).isGreaterThan(from));
            shown.addAll(page);
            next = after(response.body());
            if (posted == 0) {
                // Posted while paging forward: the pages reach it too.
                posted = DirectusRest.createMessage(directus, TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), tag);
            }
        }
        assertThat(requests).isEqualTo(3);
        List<Long> all = allIds("id", -1);
        assertThat(shown)
                .doesNotHaveDuplicates()
                .containsExactlyElementsOf(all.subList(all.indexOf(window.get(0)), all.size()));
        assertThat(shown).contains(posted);

        // A message that is not there any more opens the room around where it was, saying so.
        long deleted = seeded.get(10);
        DirectusRest.call(
                directus,
                "DELETE",
                "/items/messages/" + deleted,
                TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD),
                null);
        HttpResponse<String> gone = alice.get("/rooms/general?around=" + deleted);
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).contains("The message you looked for is not in this room any more");
        assertThat(messageIds(gone.body()))
                .contains(seeded.get(9), seeded.get(11))
                .doesNotContain(deleted);
    }

    @Test
    void aPlainBrowserGetGoesToThePageAndAnonymousOnesToTheLogin() {
        HttpResponse<String> plain = alice.get("/messages?before=5");
        assertThat(plain.statusCode()).isEqualTo(302);
        assertThat(plain.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));

        ChatClient anonymous = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> htmx = anonymous.get("/messages?before=5", HTMX);
        assertThat(htmx.statusCode()).isEqualTo(401);
        assertThat(htmx.body()).contains("Your session has ended").doesNotContain("class=\"message\"");
        assertThat(anonymous.get("/messages?before=5").statusCode()).isEqualTo(302);
    }

    private static List<String> lines(String html) {
        return html.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    @Test
    void linksRenderTheSameInThePageAndInLiveEvents() {
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        String marker = UUID.randomUUID().toString();
        String content = "read https://example.com/a_(b)?x=1&y=2. and (http://example.org/c). not javascript:alert(1) "
                + "<a href=\"https://evil.example\">x</a> " + marker;
        long id;
        String live;
        String since = String.valueOf(Page.of(alice.get("/").body()).ids().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0));
        try (SseConnection stream = alice.stream("since=" + since, null)) {
            stream.await(e -> "status".equals(e.name()) && e.data().contains("Connected"), WAIT);
            id = DirectusRest.createMessage(directus, bobToken, content);
            SseEvent event =
                    stream.await(e -> e.isMessage() && String.valueOf(id).equals(e.id()), WAIT);
            live = event.data().strip();
        }
        String page = alice.get("/").body();
        Matcher li = Pattern.compile("<li class=\"message\" id=\"m-" + id + "\"[\\s\\S]*?</li>")
                .matcher(page);
        assertThat(li.find()).isTrue();
        // The same fragment, only indented differently in the page.
        assertThat(lines(li.group())).isEqualTo(lines(live));
        Matcher older = Pattern.compile("<li class=\"message\" id=\"m-" + id + "\"[\\s\\S]*?</li>")
                .matcher(alice.get("/messages?before=" + (id + 1), HTMX).body());
        assertThat(older.find()).isTrue();
        assertThat(lines(older.group())).isEqualTo(lines(live));

        assertThat(live)
                .contains("<a href=\"https://example.com/a_(b)?x=1&amp;y=2\" rel=\"noopener noreferrer nofollow\" "
                        + "target=\"_blank\">https://example.com/a_(b)?x=1&amp;y=2</a>. and (")
                .contains("<a href=\"http://example.org/c\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">"
                        + "http://example.org/c</a>). not javascript:alert(1) &lt;a href=&quot;")
                .contains(">https://evil.example</a>&quot;&gt;x&lt;/a&gt; " + marker + "</p>")
                .doesNotContain("href=\"javascript")
                .doesNotContain("<!--");
    }
}
