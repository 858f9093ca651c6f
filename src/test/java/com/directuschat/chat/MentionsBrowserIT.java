package com.directuschat.chat;

import static com.directuschat.testsupport.ChatPage.EXACT;
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
import com.directuschat.testsupport.DirectusTest;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Mentions in real Chromium against the shared Directus: Alice picks Bob from the composer's suggestions with the
 * keyboard, and Bob's open page shows the mention live, marked as his; Escape closes the list, Enter with it closed
 * sends, a click picks too, and an edit keeps the mention.
 */
@DirectusTest
class MentionsBrowserIT {

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @LocalServerPort
    int port;

    private static Locator suggestions(Page page) {
        return page.getByRole(AriaRole.LISTBOX, new Page.GetByRoleOptions().setName("Mention suggestions"));
    }

    private static Locator option(Page page, String name) {
        return suggestions(page)
                .getByRole(
                        AriaRole.OPTION,
                        new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void alicePicksBobWithTheKeyboardAndBobSeesTheMentionLiveMarkedAsHis() {
        String tag = "mb" + UUID.randomUUID().toString().substring(0, 8);
        List<String> problems = new CopyOnWriteArrayList<>();
        BrowserContext aliceContext = chromium.browser().newContext();
        BrowserContext bobContext = chromium.browser().newContext();
        try {
            Page alice = ChatPage.watched(aliceContext.newPage(), problems);
            Page bob = ChatPage.watched(bobContext.newPage(), problems);
            alice.setDefaultTimeout(20_000);
            bob.setDefaultTimeout(20_000);
            alice.navigate("http://localhost:" + port + "/");
            logIn(alice, ALICE_EMAIL, ALICE_PASSWORD);
            bob.navigate("http://localhost:" + port + "/");
            logIn(bob, BOB_EMAIL, BOB_PASSWORD);

            Locator box = alice.getByLabel("Message", EXACT);
            assertThat(box).hasAttribute("aria-expanded", "false");
            box.pressSequentially("hi @bo");
            assertThat(suggestions(alice)).isVisible();
            assertThat(option(alice, "Bob Example")).isVisible();
            assertThat(box).hasAttribute("aria-expanded", "true");
            box.press("ArrowDown");
            assertThat(option(alice, "Bob Example")).hasAttribute("aria-selected", "true");
            assertThat(box)
                    .hasAttribute(
                            "aria-activedescendant",
                            option(alice, "Bob Example").getAttribute("id"));
            box.press("Enter");
            assertThat(box).hasValue("hi @Bob Example ");
            assertThat(suggestions(alice)).isHidden();
            assertThat(box).hasAttribute("aria-expanded", "false");
            assertThat(box).not().hasAttribute("aria-activedescendant", Pattern.compile(".*"));

            // With the list closed, Enter sends as ever.
            box.pressSequentially("see " + tag);
            box.press("Enter");
            assertThat(box).hasValue("");
            Locator mention = message(bob, tag).locator(".mention");
            assertThat(mention).hasText("@Bob Example");
            assertThat(mention).hasClass(Pattern.compile("\\bmention-me\\b"));
            assertThat(message(alice, tag).locator(".mention")).hasText("@Bob Example");
            assertThat(message(alice, tag).locator(".mention")).not().hasClass(Pattern.compile("\\bmention-me\\b"));

            // Editing shows the mention as the name, and saving keeps it a mention (Bob still sees it as his).
            message(alice, tag).hover();
            message(alice, tag).locator(".edit-button").click();
            Locator editor = message(alice, tag).getByLabel("Edit message");
            assertThat(editor).hasValue("hi @Bob Example see " + tag);
            editor.press("End");
            editor.pressSequentially(" (edited)");
            editor.press("Enter");
            assertThat(message(bob, tag)).containsText("(edited)");
            assertThat(message(bob, tag).locator(".mention.mention-me")).hasText("@Bob Example");

            // Escape closes the list and keeps what was typed; Enter then sends it.
            box.pressSequentially("@al");
            assertThat(option(alice, "Alice Example")).isVisible();
            box.press("Escape");
            assertThat(suggestions(alice)).isHidden();
            assertThat(box).hasValue("@al");
            box.pressSequentially(" " + tag + "-escaped");
            box.press("Enter");
            assertThat(box).hasValue("");
            assertThat(message(bob, tag + "-escaped")).containsText("@al " + tag + "-escaped");

            // A click on an option picks it too.
            box.pressSequentially("@ali");
            option(alice, "Alice Example").click();
            assertThat(box).hasValue("@Alice Example ");
            assertThat(box).isFocused();
            assertThat(problems).isEmpty();
        } finally {
            aliceContext.close();
            bobContext.close();
        }
    }
}
