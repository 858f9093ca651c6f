package com.directuschat.chat;

import static com.directuschat.testsupport.ChatPage.EXACT;
import static com.directuschat.testsupport.ChatPage.logIn;
import static com.directuschat.testsupport.ChatPage.message;
import static com.directuschat.testsupport.ChatPage.send;
import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusTest;
import com.microsoft.playwright.Browser;
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

/** Two people in two real Chromium contexts, chatting through our server and a real Directus. */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatBrowserIT {

    @LocalServerPort
    int port;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    BrowserContext aliceContext;
    BrowserContext bobContext;
    final List<String> problems = new CopyOnWriteArrayList<>();

    @BeforeEach
    void contexts() {
        problems.clear();
        aliceContext = chromium.browser().newContext();
        bobContext = chromium.browser().newContext();
    }

    @AfterEach
    void closeContexts() {
        aliceContext.close();
        bobContext.close();
    }

    private Page open(BrowserContext context) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(20_000);
        page.navigate("http://localhost:" + port + "/");
        return page;
    }

    @Test
    void aliceAndBobChatLiveInOrderWithTheirNames() {
        Page alice = open(aliceContext);
        Page bob = open(bobContext);
        logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
        logIn(bob, BOB_EMAIL, BOB_PASSWORD);
        String tag = UUID.randomUUID().toString().substring(0, 8);

        send(alice, "hello bob " + tag);
        assertThat(message(bob, "hello bob " + tag).locator(".author")).hasText("Alice Example");
        assertThat(alice.getByLabel("Message", EXACT)).hasValue("");
        send(bob, "hi alice " + tag);
        assertThat(message(alice, "hi alice " + tag).locator(".author")).hasText("Bob Example");
        send(alice, "third " + tag);
        assertThat(message(bob, "third " + tag)).hasCount(1);

        for (Page page : List.of(alice, bob)) {
            assertThat(message(page, "hello bob " + tag)).hasCount(1);
            assertThat(message(page, "hi alice " + tag)).hasCount(1);
            assertThat(message(page, "third " + tag)).hasCount(1);
            List<String> texts = page.locator("#messages li.message .content").allTextContents().stream()
                    .filter(t -> t.contains(tag))
                    .toList();
            assertThat(texts).containsExactly("hello bob " + tag, "hi alice " + tag, "third " + tag);
            assertThat(page.locator("#messages li.message time").last())
                    .hasAttribute("datetime", Pattern.compile("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        }

        bob.reload();
        assertThat(message(bob, "third " + tag)).hasCount(1);
        List<String> afterReload = bob.locator("#messages li.message .content").allTextContents().stream()
                .filter(t -> t.contains(tag))
                .toList();
        assertThat(afterReload).containsExactly("hello bob " + tag, "hi alice " + tag, "third " + tag);
        assertThat(problems).isEmpty();
    }

    /**
     * The send is held in flight (the response waits) while Alice types on: what she typed after Enter stays in
     * the box, and only the sent text is removed when Directus has it.
     */
    @Test
    void textTypedRightAfterEnterSurvivesTheSend() {
        Page alice = open(aliceContext);
        logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<com.microsoft.playwright.Route> held = new CopyOnWriteArrayList<>();
        alice.route("**/messages", route -> {
            if ("POST".equals(route.request().method())) {
                held.add(route);
            } else {
                route.resume();
            }
        });
        Locator box = alice.getByLabel("Message", EXACT);
        box.fill("first " + tag);
        box.press("Enter");
        box.pressSequentially(" typed while sending");
        alice.waitForCondition(() -> !held.isEmpty());
        held.get(0).resume();

        assertThat(message(alice, "first " + tag)).hasCount(1);
        assertThat(box).hasValue(" typed while sending");
        assertThat(box).isFocused();
        assertThat(alice.locator("#send-error")).hasText("");
        assertThat(alice.evaluate("sessionStorage.getItem('directus-chat-draft')"))
                .isEqualTo(" typed while sending");
        alice.unrouteAll();
        assertThat(problems).isEmpty();
    }

    @Test
    void markupInAMessageRendersAsText() {
        Page alice = open(aliceContext);
        Page bob = open(bobContext);
        logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
        logIn(bob, BOB_EMAIL, BOB_PASSWORD);
        String payload = "<img src=x onerror=alert(1)> " + UUID.randomUUID();
        send(alice, payload);
        assertThat(message(bob, payload).locator(".content")).hasText(payload);
        assertThat(message(bob, payload).locator(".content img")).hasCount(0);
        bob.reload();
        assertThat(message(bob, payload).locator(".content")).hasText(payload);
        assertThat(message(bob, payload).locator(".content img")).hasCount(0);
        assertThat(problems).noneMatch(p -> p.startsWith("dialog"));
    }

    @Test
    void anOversizeMessageShowsItsErrorAndTheTextStays() {
        Page alice = open(aliceContext);
        logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
        String text = "x".repeat(2001);
        send(alice, text);
        assertThat(alice.locator("#send-error")).containsText("the limit is 2,000");
        assertThat(alice.getByLabel("Message", EXACT)).hasValue(text);
        send(alice, "   ");
        assertThat(alice.locator("#send-error")).containsText("Type a message first.");
    }

    @Test
    void logoutInOneTabMovesTheOtherTabToALoginPrompt() {
        Page first = open(aliceContext);
        logIn(first, ALICE_EMAIL, ALICE_PASSWORD);
        Page second = open(aliceContext);
        assertThat(second.locator("#connection-status")).containsText("Connected");
        second.getByLabel("Message", EXACT).fill("half-typed words");

        first.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out"))
                .click();
        assertThat(first.getByLabel("Email")).isVisible();

        assertThat(second.locator("#session-ended")).containsText("Your session has ended");
        assertThat(second.locator("#session-ended a")).hasText("Log in again");
        assertThat(second.getByLabel("Message", EXACT)).hasValue("half-typed words");

        second.navigate("http://localhost:" + port + "/");
        assertThat(second).hasURL(Pattern.compile(".*/login$"));
        logIn(second, ALICE_EMAIL, ALICE_PASSWORD);
        assertThat(second.getByLabel("Message", EXACT)).hasValue("half-typed words");
    }

    @Test
    void timesAreShownInTheBrowsersTimeZone() {
        BrowserContext tokyo =
                chromium.browser().newContext(new Browser.NewContextOptions().setTimezoneId("Asia/Tokyo"));
        try {
            Page page = open(tokyo);
            logIn(page, ALICE_EMAIL, ALICE_PASSWORD);
            String text = "what time is it " + UUID.randomUUID();
            send(page, text);
            Locator time = message(page, text).locator("time");
            assertThat(time).hasAttribute("datetime", Pattern.compile(".*Z"));
            String expected = java.time.Instant.parse(time.getAttribute("datetime"))
                    .atZone(java.time.ZoneId.of("Asia/Tokyo"))
                    .format(java.time.format.DateTimeFormatter.ofPattern("HH:mm"));
            assertThat(time).hasText(expected);
            page.reload();
            assertThat(message(page, text).locator("time")).hasText(expected);
        } finally {
            tokyo.close();
        }
    }

    @Test
    void newMessagesScrollOnlyAReaderWhoIsAtTheBottom() {
        BrowserContext small = chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(400, 500));
        try {
            Page alice = open(small);
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            Page bob = open(bobContext);
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);
            String tag = UUID.randomUUID().toString().substring(0, 8);
            for (int i = 0; i < 12; i++) {
                send(bob, "filler " + tag + " " + i + "\nsecond line\nthird line");
                assertThat(message(alice, "filler " + tag + " " + i)).hasCount(1);
            }
            Locator marker = alice.locator("#new-messages");
            assertThat(marker).isHidden();
            assertThat(message(alice, "filler " + tag + " 11")).isInViewport();

            alice.locator("#conversation").evaluate("c => c.scrollTop = 0");
            send(bob, "while reading history " + tag);
            assertThat(marker).isVisible();
            assertThat(message(alice, "while reading history " + tag)).not().isInViewport();

            marker.click();
            assertThat(marker).isHidden();
            assertThat(message(alice, "while reading history " + tag)).isInViewport();
            send(bob, "at the bottom " + tag);
            assertThat(message(alice, "at the bottom " + tag)).isInViewport();
            assertThat(marker).isHidden();
        } finally {
            small.close();
        }
    }
}
