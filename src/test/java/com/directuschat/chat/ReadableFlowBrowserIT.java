package com.directuschat.chat;

import static com.directuschat.testsupport.ChatPage.logIn;
import static com.directuschat.testsupport.ChatPage.message;
import static com.directuschat.testsupport.ChatPage.send;
import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The readable flow in real Chromium: consecutive messages of one author within 5 minutes show the author once
 * (screen readers still get it for every message), and day separators say "Today", "Yesterday" or the date in the
 * browser's time zone, whether messages come with the page, from "Load earlier messages", or live; removing a
 * message regroups the rest. A Directus of its own, emptied before each test, so the list holds only what the
 * test created; the page shows 6 messages, so "Load earlier messages" is part of every test.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.history-size=6", "chat.history-page-size=100"})
class ReadableFlowBrowserIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ALICE = "Alice Example";
    private static final String BOB = "Bob Example";

    static DirectusInstance directus;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicatedFor(registry, Map.of(), false);
    }

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @LocalServerPort
    int port;

    final List<String> problems = new CopyOnWriteArrayList<>();

    @BeforeEach
    void emptyTheChat() {
        List<Long> ids = new ArrayList<>();
        DirectusRest.call(directus.url(), "GET", "/items/messages?fields=id&limit=-1", directus.adminToken(), null)
                .path("data")
                .forEach(node -> ids.add(node.path("id").asLong()));
        if (!ids.isEmpty()) {
            DirectusRest.call(
                    directus.url(), "DELETE", "/items/messages", directus.adminToken(), JSON.writeValueAsString(ids));
        }
    }

    /** A message created as the token's user; {@link #backdate} gives it its date afterwards. */
    private static long create(String token, String content, Map<Long, Instant> dates, Instant created) {
        long id = DirectusRest.createMessage(directus.url(), token, content);
        dates.put(id, created);
        return id;
    }

    /** Directus sets date_created on create, whatever is sent; an admin may change it afterwards. */
    private static void backdate(Map<Long, Instant> dates) {
        List<Map<String, Object>> items = new ArrayList<>();
        dates.forEach((id, created) -> items.add(Map.of("id", id, "date_created", created.toString())));
        DirectusRest.call(
                directus.url(), "PATCH", "/items/messages", directus.adminToken(), JSON.writeValueAsString(items));
    }

    private Page open(BrowserContext context) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(20_000);
        page.navigate("http://localhost:" + port + "/");
        logIn(page, ALICE_EMAIL, ALICE_PASSWORD);
        return page;
    }

    /** Loads older messages until the beginning of the chat is shown. */
    private static void loadAll(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Load earlier messages"))
                .click();
        assertThat(page.getByText("This is the beginning of the room")).isVisible();
    }

    /**
     * Each message as "content | author" when its author can be seen, or "content" alone; separators as "# label".
     * Seen: more than a pixel of the author's box is left once cut to every element around it that clips (a
     * visually hidden box is 1 px and clipped; its text keeps its own full-size box).
     */
    @SuppressWarnings("unchecked")
    private static List<String> flow(Page page) {
        return (List<String>) page.evaluate("() => {"
                + "  const seen = (elt, top) => {"
                + "    const b = elt.getBoundingClientRect();"
                + "    let left = b.left, right = b.right, up = b.top, down = b.bottom;"
                + "    for (let e = elt; e && e !== top; e = e.parentElement) {"
                + "      const s = getComputedStyle(e);"
                + "      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;"
                + "      if (s.overflow !== 'visible' || s.clipPath !== 'none' || s.clip !== 'auto') {"
                + "        const c = e.getBoundingClientRect();"
                + "        left = Math.max(left, c.left); right = Math.min(right, c.right);"
                + "        up = Math.max(up, c.top); down = Math.min(down, c.bottom);"
                + "      }"
                + "    }"
                + "    return right - left > 1 && down - up > 1;"
                + "  };"
                // The "Unread" line depends on where Alice left off in earlier tests: not part of the flow here.
                + "  return Array.from(document.getElementById('messages').children)"
                + "      .filter(li => !li.classList.contains('unread-divider')).map(li => {"
                + "    if (li.classList.contains('day-separator')) return '# ' + li.textContent.trim();"
                + "    const author = li.querySelector('.author'), content = li.querySelector('.content').textContent;"
                + "    return seen(author, li) ? content + ' | ' + author.textContent : content;"
                + "  });"
                + "}");
    }

    /** Each message's text, and the initials of its avatar where the avatar can be seen. */
    @SuppressWarnings("unchecked")
    private static List<String> avatars(Page page) {
        return (List<String>) page.evaluate("() => Array.from(document.querySelectorAll('#messages li.message'))"
                + ".map(li => {"
                + "  const avatar = li.querySelector('.avatar'), b = avatar.getBoundingClientRect();"
                + "  const content = li.querySelector('.content').textContent;"
                + "  return b.width > 1 && b.height > 1 ? content + ' | ' + avatar.textContent : content;"
                + "})");
    }

    private static void remove(Page page, long id) {
        page.evaluate("id => document.getElementById('m-' + id).remove()", String.valueOf(id));
    }

    @Test
    void consecutiveMessagesOfOneAuthorWithinFiveMinutesShowTheAuthorOnce() {
        String alice = directus.loginToken(ALICE_EMAIL, ALICE_PASSWORD);
        String bob = directus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        Map<Long, Instant> dates = new LinkedHashMap<>();
        create(bob, "b1", dates, noon);
        create(alice, "a1", dates, noon.plusSeconds(60));
        create(alice, "a2", dates, noon.plusSeconds(120));
        create(alice, "a3", dates, noon.plusSeconds(180));
        long b2 = create(bob, "b2", dates, noon.plusSeconds(240));
        create(alice, "a4", dates, noon.plusSeconds(300));
        create(alice, "a5", dates, noon.plusSeconds(600)); // exactly 5 minutes after a4
        create(alice, "a6", dates, noon.plusSeconds(901)); // 5 minutes and 1 second after a5
        create(alice, "a7", dates, noon.plusSeconds(960));
        backdate(dates);
        String date = label(day, LocalDate.now(ZoneOffset.UTC));

        BrowserContext context = chromium.browser().newContext(new Browser.NewContextOptions().setTimezoneId("UTC"));
        try {
            Page page = open(context);
            // The page shows the last 6: a3 opens the list, so it shows its author.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(flow(page))
                            .containsExactly(
                                    "# " + date,
                                    "a3 | " + ALICE,
                                    "b2 | " + BOB,
                                    "a4 | " + ALICE,
                                    "a5",
                                    "a6 | " + ALICE,
                                    "a7"));

            // Older messages on top: a3 now continues a1 and a2.
            loadAll(page);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(flow(page))
                            .containsExactly(
                                    "# " + date,
                                    "b1 | " + BOB,
                                    "a1 | " + ALICE,
                                    "a2",
                                    "a3",
                                    "b2 | " + BOB,
                                    "a4 | " + ALICE,
                                    "a5",
                                    "a6 | " + ALICE,
                                    "a7"));

            // Live: Bob's message opens today, Alice's first after it shows her name, her second does not.
            long liveB = DirectusRest.createMessage(directus.url(), bob, "live b");
            assertThat(message(page, "live b")).hasCount(1);
            send(page, "live a1");
            assertThat(message(page, "live a1")).hasCount(1);
            send(page, "live a2");
            assertThat(message(page, "live a2")).hasCount(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(flow(page))
                            .endsWith("a7", "# Today", "live b | " + BOB, "live a1 | " + ALICE, "live a2"));

            // Every message still says who wrote it to assistive technology, hidden author line or not.
            Locator messages = page.locator("#messages li.message");
            assertThat(messages).hasCount(12);
            assertThat(page.locator("#messages li[data-id]")).hasCount(12);
            assertThat(page.locator("#messages .day-separator[data-id]")).hasCount(0);
            for (int i = 0; i < 12; i++) {
                Locator li = messages.nth(i);
                assertThat(li.ariaSnapshot())
                        .as("accessible text of message %d", i)
                        .contains(li.locator(".author").textContent());
            }
            assertThat(message(page, "a5").ariaSnapshot()).contains(ALICE);
            assertThat(message(page, "live a2").ariaSnapshot()).contains(ALICE);
            // The avatar goes with the author line (seen where the name is), decorative, one colour per author.
            assertThat(avatars(page))
                    .containsExactly(
                            "b1 | BE",
                            "a1 | AE",
                            "a2",
                            "a3",
                            "b2 | BE",
                            "a4 | AE",
                            "a5",
                            "a6 | AE",
                            "a7",
                            "live b | BE",
                            "live a1 | AE",
                            "live a2");
            assertThat(page.locator("#messages .avatar:not([aria-hidden=true])"))
                    .hasCount(0);
            for (String author : List.of(ALICE, BOB)) {
                Object classes = messages.filter(new Locator.FilterOptions()
                                .setHas(page.locator(".author", new Page.LocatorOptions().setHasText(author))))
                        .locator(".avatar")
                        .evaluateAll("els => [...new Set(els.map(e => e.className))]");
                assertThat((List<?>) classes).as("%s's avatar classes", author).hasSize(1);
            }

            // Removed messages (later: deleted live) regroup the rest: without b2, a4 continues a3; without today's
            // messages, there is no "Today".
            remove(page, b2);
            remove(page, liveB);
            page.evaluate("() => Array.from(document.querySelectorAll('#messages li.message'))"
                    + ".filter(li => li.textContent.includes('live a')).forEach(li => li.remove())");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(flow(page))
                            .containsExactly(
                                    "# " + date,
                                    "b1 | " + BOB,
                                    "a1 | " + ALICE,
                                    "a2",
                                    "a3",
                                    "a4",
                                    "a5",
                                    "a6 | " + ALICE,
                                    "a7"));
            assertThat(problems).isEmpty();
        } finally {
            context.close();
        }
    }

    @Test
    void daySeparatorsFollowTheBrowsersTimeZone() {
        String bob = directus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        // One message every 2 hours over 3 days, and one from more than a year ago. Auckland's midnight and Los
        // Angeles' are 3 (or 5) hours apart, so with 2 hours between messages the days break at different places.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Instant> seeded = new LinkedHashMap<>();
        seeded.put("long ago", now.minus(400, ChronoUnit.DAYS));
        for (int k = 35; k >= 0; k--) {
            seeded.put("hour -" + (2 * k), now.minus(2L * k, ChronoUnit.HOURS).minusSeconds(60));
        }
        Map<Long, Instant> dates = new LinkedHashMap<>();
        seeded.forEach((content, created) -> create(bob, content, dates, created));
        backdate(dates);

        ZoneId auckland = ZoneId.of("Pacific/Auckland");
        ZoneId losAngeles = ZoneId.of("America/Los_Angeles");
        assertThat(expectedDays(seeded, auckland)).isNotEqualTo(expectedDays(seeded, losAngeles));
        for (ZoneId zone : List.of(auckland, losAngeles)) {
            BrowserContext context =
                    chromium.browser().newContext(new Browser.NewContextOptions().setTimezoneId(zone.getId()));
            try {
                Page page = open(context);
                loadAll(page);
                // Computed inside the wait: should the test run across the browser's midnight, the page relabels too.
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(flow(page))
                                .as("in %s", zone)
                                .containsExactlyElementsOf(expectedDays(seeded, zone)));
                assertThat(page.locator("#messages li.message")).hasCount(seeded.size());
                assertThat(page.locator("#messages li[data-id]")).hasCount(seeded.size());
                // The labels are headings in the log, to jump from day to day with a screen reader.
                assertThat(page.locator("#messages")
                                .getByRole(
                                        AriaRole.HEADING,
                                        new Locator.GetByRoleOptions()
                                                .setExact(true)
                                                .setName(expectedDays(seeded, zone)
                                                        .get(0)
                                                        .substring(2))))
                        .hasCount(1);
                assertThat(problems).isEmpty();
            } finally {
                context.close();
            }
        }
    }

    /** What {@link #flow} should read in this zone: a label above the first message of each day, authors all Bob's
     * (within 2 hours of each other, so shown each time). */
    private static List<String> expectedDays(Map<String, Instant> seeded, ZoneId zone) {
        LocalDate today = LocalDate.now(zone);
        List<String> expected = new ArrayList<>();
        LocalDate previous = null;
        for (Map.Entry<String, Instant> m : seeded.entrySet()) {
            LocalDate day = m.getValue().atZone(zone).toLocalDate();
            if (!day.equals(previous)) {
                expected.add("# " + label(day, today));
            }
            expected.add(m.getKey() + " | " + BOB);
            previous = day;
        }
        return expected;
    }

    /** "Today", "Yesterday", "Wednesday 3 June" in the current year, "Monday 23 November 2026" in others. */
    private static String label(LocalDate day, LocalDate today) {
        if (day.equals(today)) {
            return "Today";
        }
        if (day.equals(today.minusDays(1))) {
            return "Yesterday";
        }
        return DateTimeFormatter.ofPattern(
                        day.getYear() == today.getYear() ? "EEEE d MMMM" : "EEEE d MMMM yyyy", Locale.ENGLISH)
                .format(day);
    }
}
