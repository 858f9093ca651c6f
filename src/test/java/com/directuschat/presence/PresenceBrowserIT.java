package com.directuschat.presence;

import static com.directuschat.testsupport.ChatPage.logIn;
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
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The "Online" list and the typing line in real Chromium. A Directus of its own, so that nobody else's tabs are
 * online in it; the SSE heartbeat every second, because a closed tab is noticed on the next write to its stream.
 * Presence keeps its defaults (5 s leave grace) but for typing, which lasts 30 s after the last signal here: a line
 * that goes sooner went because the message was sent.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.heartbeat-interval=1s", "chat.presence.typing-expiry=30s"})
class PresenceBrowserIT {

    private static final LocatorAssertions.HasCountOptions LEAVE =
            new LocatorAssertions.HasCountOptions().setTimeout(30_000);

    static DirectusInstance directus;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = TestDirectus.dedicatedFor(registry, Map.of(), false);
    }

    @LocalServerPort
    int port;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    final List<String> problems = new CopyOnWriteArrayList<>();

    /** Two apps, Directus and two Chromium contexts share two cores here: more than the 5 s default. */
    @BeforeAll
    static void patientAssertions() {
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
    }

    @AfterAll
    static void defaultAssertions() {
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
    }

    private Page open(BrowserContext context) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(20_000);
        page.navigate("http://localhost:" + port + "/");
        return page;
    }

    private static Locator online(Page page) {
        return page.getByLabel("Online").getByRole(AriaRole.LISTITEM);
    }

    @Test
    void bobIsListedWhileHeHasAChatTabOpenAndDropsOutAfterHisLastTabCloses() {
        BrowserContext aliceContext = chromium.browser().newContext();
        BrowserContext bobContext = chromium.browser().newContext();
        try {
            Page alice = open(aliceContext);
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            assertThat(alice.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("Online")))
                    .isVisible();
            assertThat(online(alice)).hasText(new String[] {"Alice Example"});

            Page bob = open(bobContext);
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);
            assertThat(online(alice)).hasText(new String[] {"Alice Example", "Bob Example"});
            assertThat(online(bob)).hasText(new String[] {"Alice Example", "Bob Example"});

            // A second tab: Bob still counts once, and stays while either tab is open.
            Page bobAgain = open(bobContext);
            assertThat(bobAgain.locator("#connection-status")).containsText("Connected");
            assertThat(online(bobAgain)).hasText(new String[] {"Alice Example", "Bob Example"});
            bob.close();
            // Longer than noticing the closed tab (a heartbeat or two) plus the leave grace.
            await().pollInSameThread()
                    .during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(20))
                    .until(
                            () -> online(alice).allTextContents(),
                            names -> names.equals(List.of("Alice Example", "Bob Example")));

            bobAgain.close();
            assertThat(online(alice).filter(new Locator.FilterOptions().setHasText("Bob Example")))
                    .hasCount(0, LEAVE);
            assertThat(online(alice)).hasText(new String[] {"Alice Example"});

            // Back again: listed again.
            Page bobBack = open(bobContext);
            assertThat(bobBack.locator("#connection-status")).containsText("Connected");
            assertThat(online(alice)).hasText(new String[] {"Alice Example", "Bob Example"});
            assertThat(problems).isEmpty();
        } finally {
            aliceContext.close();
            bobContext.close();
        }
    }

    /** The typing line: a polite live region near the composer. */
    private static Locator typingLine(Page page) {
        return page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("typing"));
    }

    @Test
    void bobTypingShowsInAlicesStatusLineAndGoesWhenHisMessageArrives() {
        BrowserContext aliceContext = chromium.browser().newContext();
        BrowserContext bobContext = chromium.browser().newContext();
        try {
            Page alice = open(aliceContext);
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            Page bob = open(bobContext);
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);
            assertThat(online(alice)).hasText(new String[] {"Alice Example", "Bob Example"});
            assertThat(typingLine(alice)).hasCount(0);

            String text = "typed by Bob " + java.util.UUID.randomUUID();
            bob.getByLabel("Message", ChatPage.EXACT).pressSequentially(text.substring(0, 12));
            assertThat(typingLine(alice)).hasText("Bob Example is typing…");
            assertThat(alice.locator("#typing")).hasAttribute("role", "status");
            // Bob does not see himself typing.
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            assertThat(typingLine(bob)).hasCount(0);

            bob.getByLabel("Message", ChatPage.EXACT).pressSequentially(text.substring(12));
            bob.getByLabel("Message", ChatPage.EXACT).press("Enter");
            assertThat(ChatPage.message(alice, text)).hasCount(1);
            // Long before the 30 s expiry: the send ended it.
            assertThat(typingLine(alice)).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(5_000));

            // Alice typing shows on Bob's page, not on hers.
            alice.getByLabel("Message", ChatPage.EXACT).pressSequentially("hi");
            assertThat(typingLine(bob)).hasText("Alice Example is typing…");
            assertThat(typingLine(alice)).hasCount(0);
            assertThat(problems).isEmpty();
        } finally {
            aliceContext.close();
            bobContext.close();
        }
    }
}
