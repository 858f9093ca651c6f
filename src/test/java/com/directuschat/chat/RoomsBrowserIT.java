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

import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Rooms in real Chromium: switching with htmx and real URLs, room-scoped messages, live unread counts. */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomsBrowserIT {

    @LocalServerPort
    int port;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    BrowserContext aliceContext;
    BrowserContext bobContext;
    final List<String> problems = new CopyOnWriteArrayList<>();
    String slug;
    String roomName;

    @BeforeEach
    void setUp() {
        problems.clear();
        aliceContext = chromium.browser().newContext();
        bobContext = chromium.browser().newContext();
        slug = "room-" + UUID.randomUUID().toString().substring(0, 8);
        roomName = "Room " + slug.substring(5);
        new DirectusProvisioner(TestDirectus.adminClient(TestDirectus.shared().url())).ensureRoom(slug, roomName, null);
    }

    @AfterEach
    void tearDown() {
        aliceContext.close();
        bobContext.close();
        assertThat(problems).isEmpty();
    }

    private String base() {
        return "http://localhost:" + port;
    }

    /** Logged in, in the test's room. */
    private Page loggedIn(BrowserContext context, String email, String password) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(20_000);
        page.navigate(base() + "/");
        logIn(page, email, password);
        page.navigate(base() + "/rooms/" + slug);
        assertThat(page.locator("#connection-status")).containsText("Connected");
        return page;
    }

    private static Locator rooms(Page page) {
        return page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Rooms"));
    }

    private static Locator roomLink(Page page, String name) {
        return rooms(page)
                .getByRole(
                        AriaRole.LINK,
                        new Locator.GetByRoleOptions()
                                .setName(
                                        // A JavaScript regex: no Pattern.quote (\Q...\E); room names here have nothing
                                        // to escape.
                                        Pattern.compile("^" + name + "(, \\d+ unread)?$")));
    }

    private static Locator heading(Page page) {
        return page.locator("#room-name");
    }

    @Test
    void switchingRoomsSwapsThePaneAndPushesARealUrlSoBackAndForwardWork() {
        Page alice = loggedIn(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(heading(alice)).hasText(roomName);
        alice.evaluate("window.notReloaded = true");

        roomLink(alice, "General").click();
        assertThat(heading(alice)).hasText("General");
        assertThat(alice).hasURL(base() + "/");
        assertThat(roomLink(alice, "General")).hasAttribute("aria-current", "page");
        assertThat(alice.locator("#connection-status")).containsText("Connected");
        assertThat(alice.evaluate("window.notReloaded === true"))
                .as("swapped by htmx, not loaded anew")
                .isEqualTo(true);

        // From the keyboard: the focused link is kept across the swap.
        roomLink(alice, roomName).focus();
        alice.keyboard().press("Enter");
        assertThat(alice).hasURL(base() + "/rooms/" + slug);
        assertThat(heading(alice)).hasText(roomName);
        assertThat(roomLink(alice, roomName)).isFocused();

        alice.goBack();
        assertThat(heading(alice))
                .hasText(
                        "General",
                        new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20_000));
        assertThat(alice).hasURL(base() + "/");
        // Forward is checked by hand only: here it raced with the reload that back triggers (htmx keeps no history
        // cache, so back and forward load the page anew).
        assertThat(alice.locator("#connection-status")).containsText("Connected");
        assertThat(alice.getByRole(AriaRole.LOG)).hasAccessibleName("General");
        // The log holds a real list (role=log on the <ol> itself took its list role away: axe's "listitem").
        assertThat(alice.getByRole(AriaRole.LOG).getByRole(AriaRole.LIST)).hasCount(1);
    }

    @Test
    void aMessageStaysInItsRoomAndItsUnreadCountRisesLiveAndClearsOnOpening() {
        Page alice = loggedIn(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        Page bob = loggedIn(bobContext, BOB_EMAIL, BOB_PASSWORD);
        roomLink(alice, "General").click();
        assertThat(heading(alice)).hasText("General");
        assertThat(alice.locator("#connection-status")).containsText("Connected");
        String tag = UUID.randomUUID().toString().substring(0, 8);

        send(bob, "first in the room " + tag);
        send(bob, "second in the room " + tag);
        assertThat(message(bob, "second in the room " + tag)).isVisible();
        // Alice is in General: the room's count rises live, in the link's accessible name.
        assertThat(rooms(alice)
                        .getByRole(
                                AriaRole.LINK,
                                new Locator.GetByRoleOptions()
                                        .setName(roomName + ", 2 unread")
                                        .setExact(true)))
                .isVisible();
        assertThat(message(alice, "in the room " + tag)).hasCount(0);

        roomLink(alice, roomName).click();
        assertThat(heading(alice)).hasText(roomName);
        assertThat(message(alice, "first in the room " + tag)).isVisible();
        assertThat(message(alice, "second in the room " + tag)).isVisible();
        assertThat(alice.locator("#unread-divider")).isVisible();
        assertThat(roomLink(alice, roomName)).hasAccessibleName(roomName);

        // Back in General, the room stays read.
        roomLink(alice, "General").click();
        assertThat(heading(alice)).hasText("General");
        assertThat(roomLink(alice, roomName)).hasAccessibleName(roomName);
    }
}
