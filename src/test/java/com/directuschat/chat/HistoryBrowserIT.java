package com.directuschat.chat;

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
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.DirectusRest;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Load earlier messages" in real Chromium, against a Directus of its own (so "the beginning" is a known
 * message): older messages appear above, none twice, the reader's place is kept, and live messages still
 * arrive at the bottom.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HistoryBrowserIT {

    static DirectusInstance directus;

    /** Lives as long as the cached Spring context that talks to it; the launcher stops it when the JVM exits. */
    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicatedFor(registry, Map.of(), false);
    }

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @LocalServerPort
    int port;

    private List<Long> seed(String bobToken, int count) {
        JsonMapper json = JsonMapper.builder().build();
        List<Long> created = new ArrayList<>();
        for (int batch = 0; batch < count; batch += 100) {
            List<Map<String, String>> items = new ArrayList<>();
            for (int i = batch; i < Math.min(count, batch + 100); i++) {
                // Some messages are taller than others, so pages are not all alike.
                items.add(Map.of("content", "older " + i + (i % 7 == 0 ? "\nsecond line\nthird line" : "")));
            }
            DirectusRest.call(directus.url(), "POST", "/items/messages", bobToken, json.writeValueAsString(items))
                    .path("data")
                    .forEach(item -> created.add(item.path("id").asLong()));
        }
        return created;
    }

    /** Where the element's top is, in pixels below the top of the scrolling conversation. */
    private static double offsetInConversation(Page page, String id) {
        return ((Number) page.evaluate(
                        "id => document.getElementById(id).getBoundingClientRect().top"
                                + " - document.getElementById('conversation').getBoundingClientRect().top",
                        id))
                .doubleValue();
    }

    /** Every message id in this Directus, oldest first. */
    private static List<Long> allIds() {
        List<Long> ids = new ArrayList<>();
        DirectusRest.call(
                        directus.url(),
                        "GET",
                        "/items/messages?fields=id&sort=id&limit=-1",
                        directus.adminToken(),
                        null)
                .path("data")
                .forEach(node -> ids.add(node.path("id").asLong()));
        return ids;
    }

    @Test
    void loadingEarlierMessagesUpToTheBeginningKeepsTheReadersPlace() {
        String bobToken = directus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        seed(bobToken, 230);
        List<Long> all = new ArrayList<>(allIds());
        List<String> problems = new CopyOnWriteArrayList<>();
        BrowserContext context =
                chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(500, 600));
        try {
            Page alice = ChatPage.watched(context.newPage(), problems);
            alice.setDefaultTimeout(20_000);
            alice.navigate("http://localhost:" + port + "/");
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            Locator messages = alice.locator("#messages li.message");
            Locator button = alice.getByRole(
                    AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Load earlier messages").setExact(true));
            Locator beginning = alice.getByText("This is the beginning of the room");
            assertThat(messages).hasCount(100);
            assertThat(beginning).hasCount(0);
            assertThat(ChatPage.messageIds(alice)).containsExactlyElementsOf(all.subList(all.size() - 100, all.size()));

            boolean liveSent = false;
            int clicks = 0;
            while (button.count() > 0) {
                assertThat(++clicks).as("clicks").isLessThan(20);
                // The reader scrolls up to the oldest message shown, and asks for more.
                alice.locator("#conversation").evaluate("c => c.scrollTop = 0");
                List<Long> shownBefore = ChatPage.messageIds(alice);
                int expected = shownBefore.size() + Math.min(50, all.indexOf(shownBefore.get(0)));
                String top = "m-" + shownBefore.get(0);
                double offset = offsetInConversation(alice, top);
                button.click();
                assertThat(messages).hasCount(expected);
                assertThat(alice.locator("#" + top)).isInViewport();
                assertThat(offsetInConversation(alice, top))
                        .as("offset of %s, was %s", top, offset)
                        .isCloseTo(offset, org.assertj.core.data.Offset.offset(3.0));
                assertThat(((Number) alice.locator("#conversation").evaluate("c => c.scrollTop")).intValue())
                        .isPositive();
                if (!liveSent) {
                    // Live messages still arrive at the bottom, once, while older ones are inserted above.
                    liveSent = true;
                    long live = DirectusRest.createMessage(directus.url(), bobToken, "live while paging");
                    all.add(live);
                    assertThat(message(alice, "live while paging")).hasCount(1);
                    assertThat(messages.last()).hasAttribute("data-id", String.valueOf(live));
                    assertThat(alice.locator("#" + top)).isInViewport();
                }
            }
            assertThat(clicks).isGreaterThanOrEqualTo(3);
            assertThat(beginning).isVisible();
            List<Long> shown = ChatPage.messageIds(alice);
            assertThat(shown).doesNotHaveDuplicates().isSorted().containsExactlyElementsOf(all);
            assertThat(problems).isEmpty();
        } finally {
            context.close();
        }
    }

    @Test
    void theButtonKeepsTheKeyboardFocusAndLinksOpenSafely() {
        String bobToken = directus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        seed(bobToken, 160);
        DirectusRest.createMessage(directus.url(), bobToken, "docs: https://example.com/docs.");
        List<String> problems = new CopyOnWriteArrayList<>();
        BrowserContext context = chromium.browser().newContext();
        try {
            Page alice = ChatPage.watched(context.newPage(), problems);
            alice.setDefaultTimeout(20_000);
            alice.navigate("http://localhost:" + port + "/");
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            Locator link = message(alice, "docs: https://example.com/docs").getByRole(AriaRole.LINK);
            assertThat(link).hasText("https://example.com/docs");
            assertThat(link).hasAttribute("href", "https://example.com/docs");
            assertThat(link).hasAttribute("rel", "noopener noreferrer nofollow");
            assertThat(link).hasAttribute("target", "_blank");

            Locator button = alice.getByRole(
                    AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Load earlier messages").setExact(true));
            int before = alice.locator("#messages li.message").count();
            button.focus();
            alice.keyboard().press("Enter");
            assertThat(alice.locator("#messages li.message")).hasCount(before + 50);
            assertThat(button).isFocused();
            assertThat(problems).isEmpty();
        } finally {
            context.close();
        }
    }
}
