package com.directuschat.web;

import static com.directuschat.testsupport.ChatPage.logIn;
import static com.directuschat.testsupport.ChatPage.message;
import static com.directuschat.testsupport.ChatPage.send;
import static com.directuschat.testsupport.ChatPage.submitLogin;
import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static com.directuschat.testsupport.TestUsers.NOACCESS_EMAIL;
import static com.directuschat.testsupport.TestUsers.NOACCESS_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.Rule;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * axe-core (Deque's axe for Playwright) on every page the chat has, in real Chromium, as its users reach them: no
 * serious or critical violation on any. Pages: the login page (blank and after a failed login), a room with
 * messages from two people (grouped, with avatars) and with the editor open, a room opened around a message, the
 * search page (results, "No messages match", a refused query), a room that does not exist, and the page for a user
 * without chat access.
 */
@DirectusTest
class AccessibilityBrowserIT {

    private static final Set<String> BLOCKING = Set.of("serious", "critical");

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @LocalServerPort
    int port;

    private final List<String> problems = new CopyOnWriteArrayList<>();

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** The serious and critical violations on the page as it is now, as "rule: target, …" lines. */
    private static List<String> violations(Page page) {
        List<Rule> found = new AxeBuilder(page).analyze().getViolations();
        return found.stream()
                .filter(rule -> BLOCKING.contains(rule.getImpact()))
                .map(rule -> rule.getId() + " (" + rule.getImpact() + "): "
                        + rule.getNodes().stream()
                                .map(node -> String.valueOf(node.getTarget()))
                                .collect(Collectors.joining(", ")))
                .toList();
    }

    private static void assertAccessible(Page page, String what) {
        assertThat(violations(page))
                .as("serious or critical axe violations on %s", what)
                .isEmpty();
    }

    @Test
    void everyPageOfAChatUserHasNoSeriousViolation() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long bobs = DirectusRest.createMessage(
                TestDirectus.shared().url(), TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), "axe from bob " + tag);
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = ChatPage.watched(context.newPage(), problems);
            page.navigate(url("/login"));
            assertAccessible(page, "the login page");

            submitLogin(page, ALICE_EMAIL, "not-her-password");
            assertThat(page.getByRole(AriaRole.ALERT)).isVisible();
            assertAccessible(page, "the login page after a failed login");

            logIn(page, ALICE_EMAIL, ALICE_PASSWORD);
            send(page, "axe from alice " + tag + " to @Bob Example");
            send(page, "and again " + tag);
            assertThat(message(page, "and again " + tag)).hasCount(1);
            assertThat(message(page, "axe from bob " + tag)).hasCount(1);
            assertAccessible(page, "a room with messages");

            // The composer with its mention suggestions open, an option active.
            var box = page.getByLabel("Message", ChatPage.EXACT);
            box.pressSequentially("@bo");
            var suggestions = page.getByRole(
                    AriaRole.LISTBOX,
                    new com.microsoft.playwright.Page.GetByRoleOptions().setName("Mention suggestions"));
            assertThat(suggestions.getByRole(AriaRole.OPTION).first()).isVisible();
            box.press("ArrowDown");
            assertThat(suggestions.locator("[aria-selected=true]")).hasCount(1);
            assertAccessible(page, "the composer with the mention suggestions open");
            box.press("Escape");
            box.fill("");

            message(page, "and again " + tag).hover();
            message(page, "and again " + tag).locator(".edit-button").click();
            assertThat(message(page, "and again " + tag).locator("textarea")).isVisible();
            assertAccessible(page, "a room with the editor open");

            page.navigate(url("/rooms/general?around=" + bobs + "#m-" + bobs));
            assertThat(message(page, "axe from bob " + tag)).hasCount(1);
            assertAccessible(page, "a room opened around a message");

            page.navigate(url("/search?q=" + tag));
            assertThat(page.locator("mark").first()).hasText(tag);
            assertAccessible(page, "search results");

            page.navigate(url("/mentions"));
            assertThat(page.getByRole(
                            AriaRole.HEADING,
                            new com.microsoft.playwright.Page.GetByRoleOptions().setName("Messages that mention you")))
                    .isVisible();
            assertAccessible(page, "the mentions page");

            page.navigate(url("/search?q=nothing-" + tag));
            assertThat(page.getByText("No messages match")).isVisible();
            assertAccessible(page, "a search with no results");

            // The two pages left answer 400 and 404 by design, which Chromium logs as errors.
            assertThat(problems).isEmpty();
            page.navigate(url("/search?q=a"));
            assertAccessible(page, "a refused search");

            page.navigate(url("/rooms/no-such-room-" + tag));
            assertAccessible(page, "a room that does not exist");
        }
    }

    @Test
    void thePageForAUserWithoutChatAccessHasNoSeriousViolation() {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/login"));
            submitLogin(page, NOACCESS_EMAIL, NOACCESS_PASSWORD);
            assertThat(page.getByRole(AriaRole.HEADING)).hasText("You don't have access to this chat");
            assertAccessible(page, "the page for a user without chat access");
        }
    }
}
