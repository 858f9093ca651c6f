package com.directuschat.search;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.directuschat.testsupport.TestUsers.NOACCESS_EMAIL;
import static com.directuschat.testsupport.TestUsers.NOACCESS_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code GET /search} over HTTP against the shared real Directus, as Alice, with messages Bob posted. */
@DirectusTest
class SearchIT {

    private static final Map<String, String> HTMX = Map.of("HX-Request", "true");
    private static final Pattern RESULT = Pattern.compile(
            "<li class=\"search-result\" id=\"result-(\\d+)\">[\\s\\S]*?<p class=\"content\"><a href=\"([^\"]*)\""
                    + " class=\"result-link\">([\\s\\S]*?)</a></p>");
    private static final Pattern MORE = Pattern.compile("id=\"more-results-link\"[^>]*href=\"([^\"]+)\"");
    private static final String RESULTS_LIST = "aria-label=\"Search results\"";

    @LocalServerPort
    int port;

    final String directus = TestDirectus.shared().url();
    ChatClient alice;

    @BeforeEach
    void logIn() {
        alice = ChatClient.loggedIn(port, ALICE_EMAIL, ALICE_PASSWORD);
    }

    /** A word no other test posts: letters only, so nothing in it is special to LIKE. */
    private static String tag() {
        StringBuilder tag = new StringBuilder("zq");
        UUID.randomUUID()
                .toString()
                .replace("-", "")
                .chars()
                .limit(10)
                .forEach(c -> tag.append((char) ('a' + Character.digit(c, 16))));
        return tag.toString();
    }

    /** Bob posts these, in General. */
    private List<Long> seed(List<String> contents) {
        return DirectusRest.createMessages(
                directus,
                TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD),
                contents.stream().map(c -> Map.of("content", c)).toList());
    }

    private static String q(String text) {
        return "/search?q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One page of results: ids in order, each one's link and marked text, and the "More results" address. */
    record Results(List<Long> ids, List<String> links, List<String> texts, String more) {

        static Results of(String html) {
            List<Long> ids = new ArrayList<>();
            List<String> links = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            Matcher result = RESULT.matcher(html);
            while (result.find()) {
                ids.add(Long.parseLong(result.group(1)));
                links.add(result.group(2).replace("&amp;", "&"));
                texts.add(result.group(3));
            }
            Matcher more = MORE.matcher(html);
            return new Results(ids, links, texts, more.find() ? more.group(1).replace("&amp;", "&") : null);
        }
    }

    private Results search(String path, Map<String, String> headers) {
        HttpResponse<String> response = alice.get(path, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Results.of(response.body());
    }

    @Test
    void findsMatchesNewestFirstMarkedAndPagesOnWithNothingSkippedOrRepeated() {
        String tag = tag();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            // Mixed case: the search ignores it, the mark keeps the message's own.
            contents.add("line " + i + " about " + (i % 2 == 0 ? tag.toUpperCase() : tag) + " and more");
        }
        List<Long> seeded = seed(contents);

        HttpResponse<String> first = alice.get(q(tag));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains(RESULTS_LIST, "role=\"search\"", "Search messages");
        Results page = Results.of(first.body());
        assertThat(page.ids()).hasSize(SearchController.PAGE_SIZE);
        assertThat(page.ids().get(0)).isEqualTo(seeded.get(44));
        assertThat(page.texts().get(0)).isEqualTo("line 44 about <mark>" + tag.toUpperCase() + "</mark> and more");
        assertThat(page.texts().get(1)).isEqualTo("line 43 about <mark>" + tag + "</mark> and more");
        assertThat(page.links().get(0)).isEqualTo("/rooms/general?around=" + seeded.get(44) + "#m-" + seeded.get(44));
        assertThat(first.body()).contains("Bob Example", "#General");

        List<Long> found = new ArrayList<>(page.ids());
        // A message posted while paging is newer than the cursor: later pages neither show it nor shift.
        seed(List.of("posted meanwhile " + tag));
        boolean htmx = true;
        while (page.more() != null) {
            assertThat(found.size()).as("pages").isLessThan(200);
            // Both ways: htmx appends to the list; the plain link is a page of its own.
            page = search(page.more(), htmx ? HTMX : Map.of());
            htmx = !htmx;
            found.addAll(page.ids());
        }
        assertThat(found).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
        List<Long> newestFirst = new ArrayList<>(seeded);
        java.util.Collections.reverse(newestFirst);
        assertThat(found).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void aQueryWithoutHitsSaysSoAndShortLongOrBrokenOnesAreRefusedClearly() {
        HttpResponse<String> none = alice.get(q(tag() + " nowhere"));
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).contains("No messages match").doesNotContain(RESULTS_LIST);

        HttpResponse<String> shortOne = alice.get(q(" a "));
        assertThat(shortOne.statusCode()).isEqualTo(400);
        assertThat(shortOne.body())
                .contains("Type at least 2 characters to search.")
                .doesNotContain(RESULTS_LIST, "No messages match");

        HttpResponse<String> longOne = alice.get(q("x".repeat(201)));
        assertThat(longOne.statusCode()).isEqualTo(400);
        assertThat(longOne.body()).contains("use at most 200 characters").doesNotContain(RESULTS_LIST);

        HttpResponse<String> blank = alice.get("/search");
        assertThat(blank.statusCode()).isEqualTo(200);
        assertThat(blank.body()).contains("Search the messages of every room").doesNotContain(RESULTS_LIST);
        assertThat(alice.get("/search?q=").statusCode()).isEqualTo(400);

        for (String cursor : new String[] {"abc", "-1", "0", "9007199254740992", "1e3", "99999999999999999999"}) {
            HttpResponse<String> bad =
                    alice.get(q("hello") + "&before=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            assertThat(bad.statusCode()).as(cursor).isEqualTo(400);
            assertThat(bad.body()).as(cursor).contains("must be a message id");
            assertThat(alice.get(q("hello") + "&before=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), HTMX)
                            .statusCode())
                    .as(cursor)
                    .isEqualTo(400);
        }
        for (String odd :
                new String[] {"%", "%%", "__", "\\", "\"quoted\"", "'; drop", "{x}", "ünïcödé 😀", "a&b=c#d"}) {
            HttpResponse<String> answer = alice.get(q(odd));
            assertThat(answer.statusCode()).as(odd).isIn(200, 400);
        }
    }

    @Test
    void likeWildcardsAreTakenLiterallyAndTextStaysEscaped() {
        String tag = tag();
        List<Long> ids = seed(List.of(
                tag + " 50% off",
                tag + " 500 off",
                tag + " a_b",
                tag + " axb",
                tag + " <script>alert(1)</script> & \"quotes\""));

        assertThat(search(q(tag + " 50% o"), Map.of()).ids()).containsExactly(ids.get(0));
        assertThat(search(q(tag + " a_b"), Map.of()).ids()).containsExactly(ids.get(2));

        HttpResponse<String> markup = alice.get(q("<script>alert(1)"));
        assertThat(markup.body())
                .contains("<mark>&lt;script&gt;alert(1)</mark>&lt;/script&gt; &amp; &quot;quotes&quot;")
                .doesNotContain("<script>alert(1)");
    }

    @Test
    void deletedMessagesAreNotFound() {
        String tag = tag();
        List<Long> ids = seed(List.of(tag + " kept", tag + " deleted"));
        assertThat(search(q(tag), Map.of()).ids()).containsExactly(ids.get(1), ids.get(0));
        DirectusRest.call(
                directus,
                "DELETE",
                "/items/messages/" + ids.get(1),
                TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD),
                null);
        assertThat(search(q(tag), Map.of()).ids()).containsExactly(ids.get(0));
    }

    @Test
    void withoutALoginThereIsNoSearchAndWithoutReadAccessNoResults() {
        String tag = tag();
        seed(List.of(tag + " secret"));
        ChatClient stranger = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> anonymous = stranger.get(q(tag));
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
        assertThat(anonymous.body()).doesNotContain(tag);

        ChatClient noAccess = ChatClient.loggedIn(port, NOACCESS_EMAIL, NOACCESS_PASSWORD);
        HttpResponse<String> refused = noAccess.get(q(tag));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain(tag + " secret", RESULTS_LIST);
    }

    @Test
    void mentionsInResultsShowTheNameNotTheStoredToken() {
        String tag = tag();
        String bobId = DirectusRest.call(
                        directus, "GET", "/users/me", TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), null)
                .get("data")
                .get("id")
                .asText();
        seed(List.of("ask <@" + bobId + "> about " + tag + " and <@not-a-user>"));
        Results results = search(q(tag), Map.of());
        assertThat(results.texts())
                .containsExactly("ask @Bob Example about <mark>" + tag + "</mark> and @unknown user");
    }
}
