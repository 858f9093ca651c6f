package com.directuschat.search;

import static com.directuschat.testsupport.ChatPage.logIn;
import static com.directuschat.testsupport.ChatPage.message;
import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * Search in real Chromium, against the shared Directus, in a room of its own: the header's search box, the results
 * list, and a result opening its room around the message, from where older and newer pages load up to the live end
 * of the room.
 */
@DirectusTest
class SearchBrowserIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @LocalServerPort
    int port;

    final String directus = TestDirectus.shared().url();

    /** A new room (as the admin): its id. */
    private long room(String slug, String name) {
        return DirectusRest.call(
                        directus,
                        "POST",
                        "/items/rooms",
                        TestDirectus.adminToken(),
                        JsonMapper.builder().build().writeValueAsString(Map.of("slug", slug, "name", name)))
                .path("data")
                .path("id")
                .asLong();
    }

    /** Every message id of the room, oldest first. */
    private List<Long> idsIn(long room) {
        List<Long> ids = new ArrayList<>();
        DirectusRest.call(
                        directus,
                        "GET",
                        "/items/messages?fields=id&sort=id&limit=-1&filter[room][_eq]=" + room,
                        TestDirectus.adminToken(),
                        null)
                .path("data")
                .forEach(node -> ids.add(node.path("id").asLong()));
        return ids;
    }

    private static Locator button(Page page, String name) {
        return page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void aResultOpensItsRoomAtTheMessageAndPagesLoadBothWaysUpToTheLiveEnd() {
        String tag = "zq" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
        String slug = "search-" + Long.toString(System.nanoTime(), 36);
        long room = room(slug, "Search " + tag);
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        List<Map<String, Object>> contents = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            contents.add(
                    Map.of("room", room, "content", i == 100 ? "the " + tag + " <b>plan</b> is here" : "filler " + i));
        }
        long target = DirectusRest.createMessages(directus, bobToken, contents).get(100);
        List<String> problems = new CopyOnWriteArrayList<>();
        BrowserContext context =
                chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(900, 700));
        try {
            Page alice = ChatPage.watched(context.newPage(), problems);
            alice.setDefaultTimeout(20_000);
            alice.navigate("http://localhost:" + port + "/");
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);

            // The header's search form, by its accessible name, with the keyboard.
            Locator box = alice.getByRole(AriaRole.SEARCH)
                    .getByRole(AriaRole.SEARCHBOX, new Locator.GetByRoleOptions().setName("Search messages"));
            box.fill(tag.toUpperCase());
            box.press("Enter");
            Locator results = alice.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Search results"));
            assertThat(results.getByRole(AriaRole.LISTITEM)).hasCount(1);
            assertThat(results.locator("mark")).hasText(tag);
            assertThat(results.getByRole(AriaRole.LINK)).hasText("the " + tag + " <b>plan</b> is here");
            assertThat(results).containsText("Bob Example");
            assertThat(results).containsText("#Search " + tag);
            assertThat(alice.getByRole(AriaRole.SEARCH).getByRole(AriaRole.SEARCHBOX))
                    .hasValue(tag.toUpperCase());

            results.getByRole(AriaRole.LINK).click();
            assertThat(alice).hasURL(Pattern.compile("/rooms/" + slug + "\\?around=" + target + "#m-" + target + "$"));
            assertThat(alice.locator("#connection-status")).containsText("Connected");
            Locator found = alice.locator("#m-" + target);
            assertThat(found).hasClass(Pattern.compile("\\bfound\\b"));
            assertThat(found).isInViewport();
            assertThat(found).isFocused();
            List<Long> all = idsIn(room);
            int at = all.indexOf(target);
            assertThat(ChatPage.messageIds(alice)).containsExactlyElementsOf(all.subList(at - 24, at + 26));

            // A message posted meanwhile is held back until the list reaches it: no gap shows above it.
            Page other = context.newPage();
            other.navigate("http://localhost:" + port + "/rooms/" + slug);
            assertThat(other.locator("#connection-status")).containsText("Connected");
            long live = post(bobToken, room, "live while reading old messages");
            all.add(live);
            // Delivered to the other tab, so to this one's stream too: held back, not shown below the gap.
            assertThat(message(other, "live while reading old messages")).hasCount(1);
            assertThat(message(alice, "live while reading old messages")).hasCount(0);

            Locator earlier = button(alice, "Load earlier messages");
            earlier.click();
            assertThat(alice.locator("#messages li.message")).hasCount(100);
            assertThat(ChatPage.messageIds(alice)).containsExactlyElementsOf(all.subList(at - 74, at + 26));

            Locator newer = button(alice, "Load newer messages");
            int clicks = 0;
            while (newer.count() > 0) {
                assertThat(++clicks).as("clicks").isLessThan(10);
                assertThat(message(alice, "live while reading old messages")).hasCount(0);
                int before = alice.locator("#messages li.message").count();
                newer.click();
                assertThat(alice.locator("#messages li.message")).not().hasCount(before);
            }
            assertThat(clicks).isEqualTo(3);
            assertThat(message(alice, "live while reading old messages")).hasCount(1);
            assertThat(ChatPage.messageIds(alice))
                    .doesNotHaveDuplicates()
                    .isSorted()
                    .containsExactlyElementsOf(all.subList(at - 74, all.size()));

            // From the live end on, new messages arrive as on any page.
            long after = post(bobToken, room, "live after catching up");
            assertThat(message(alice, "live after catching up")).hasCount(1);
            assertThat(alice.locator("#messages li.message").last()).hasAttribute("data-id", String.valueOf(after));
            assertThat(problems).isEmpty();
        } finally {
            context.close();
        }
    }

    @Test
    void moreResultsLoadsInPlaceWithTheKeyboardAndTheFocusGoesToTheFirstNewResult() {
        String tag = "zq" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "y");
        List<Map<String, Object>> contents = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            contents.add(Map.of("content", "result " + i + " " + tag));
        }
        List<Long> ids =
                DirectusRest.createMessages(directus, TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), contents);
        List<String> problems = new CopyOnWriteArrayList<>();
        BrowserContext context = chromium.browser().newContext();
        try {
            Page alice = ChatPage.watched(context.newPage(), problems);
            alice.setDefaultTimeout(20_000);
            alice.navigate("http://localhost:" + port + "/search?q=" + tag);
            ChatPage.submitLogin(alice, ALICE_EMAIL, ALICE_PASSWORD);
            alice.navigate("http://localhost:" + port + "/search?q=" + tag);
            Locator items = alice.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Search results"))
                    .getByRole(AriaRole.LISTITEM);
            assertThat(items).hasCount(20);
            assertThat(items.first()).containsText("result 24 " + tag);
            Locator more = alice.getByRole(
                    AriaRole.LINK,
                    new Page.GetByRoleOptions().setName("More results").setExact(true));
            more.focus();
            alice.keyboard().press("Enter");
            assertThat(items).hasCount(25);
            assertThat(items.last()).containsText("result 0 " + tag);
            assertThat(more).hasCount(0);
            assertThat(items.nth(20).getByRole(AriaRole.LINK)).isFocused();
            assertThat(alice).hasURL(Pattern.compile("/search\\?q=" + tag + "$"));
            assertThat(alice.locator("#result-" + ids.get(4))).isVisible();
            assertThat(problems).isEmpty();
        } finally {
            context.close();
        }
    }

    private long post(String token, long room, String content) {
        return DirectusRest.createMessages(directus, token, List.of(Map.of("room", room, "content", content)))
                .get(0);
    }
}
