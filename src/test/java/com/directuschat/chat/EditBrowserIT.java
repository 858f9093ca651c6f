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
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bob edits and deletes his messages in real Chromium; Alice watches in another context. */
@DirectusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EditBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @Autowired
    ChatSessions chatSessions;

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

    private Page open(BrowserContext context, String email, String password) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(WAIT.toMillis());
        page.navigate("http://localhost:" + port + "/");
        logIn(page, email, password);
        return page;
    }

    private static Locator button(Locator message, String name) {
        return message.getByRole(
                AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    private static Locator editor(Locator message) {
        return message.getByRole(
                AriaRole.TEXTBOX,
                new Locator.GetByRoleOptions().setName("Edit message").setExact(true));
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void bobEditsWithEnterAndAliceSeesItEditedLiveWithoutButtonsOfHerOwn() {
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        String tag = tag();
        send(bob, "teh typo " + tag);
        Locator onAlice = message(alice, tag);
        assertThat(onAlice).hasCount(1);
        Locator mine = message(bob, tag);

        // Shown on hover only; Alice gets none on Bob's message.
        Locator edit = button(mine, "Edit");
        Locator actions = mine.locator(".actions");
        assertThat(actions).hasCSS("opacity", "0");
        mine.hover();
        assertThat(actions).hasCSS("opacity", "1");
        assertThat(actions).containsText("Delete");
        assertThat(onAlice.getByRole(AriaRole.BUTTON)).hasCount(0);

        edit.click();
        Locator box = editor(mine);
        assertThat(box).isFocused();
        assertThat(box).hasValue("teh typo " + tag);
        box.fill("the typo, fixed " + tag);
        box.press("Enter");

        assertThat(mine.locator(".content")).hasText("the typo, fixed " + tag);
        assertThat(mine.locator(".edited")).hasText("edited");
        assertThat(editor(mine)).hasCount(0);
        assertThat(button(mine, "Edit")).isFocused();
        assertThat(onAlice.locator(".content")).hasText("the typo, fixed " + tag);
        assertThat(onAlice.locator(".edited")).hasText("edited");
        assertThat(onAlice.getByRole(AriaRole.BUTTON)).hasCount(0);

        // After a reload it is still edited, from Directus.
        alice.reload();
        assertThat(message(alice, tag).locator(".edited")).hasText("edited");
        assertThat(message(alice, tag).locator(".content")).hasText("the typo, fixed " + tag);
        // A message sent afterwards still arrives: the stream is intact.
        send(bob, "after the edit " + tag);
        assertThat(message(alice, "after the edit " + tag)).hasCount(1);
        assertThat(problems).isEmpty();
    }

    /** Keyboard only: Tab reaches Edit and Delete (which then show), Escape cancels and goes back to Edit. */
    @Test
    void theKeyboardReachesEditAndEscapeCancels() {
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        String tag = tag();
        send(bob, "keyboard " + tag);
        Locator mine = message(bob, tag);
        assertThat(mine).hasCount(1);
        assertThat(bob.locator("#messages li.message").last()).containsText(tag);

        bob.mouse().move(0, 0);
        bob.getByLabel("Message", EXACT).focus();
        assertThat(mine.locator(".actions")).hasCSS("opacity", "0");
        bob.keyboard().press("Shift+Tab");
        assertThat(button(mine, "Delete")).isFocused();
        assertThat(mine.locator(".actions")).hasCSS("opacity", "1");
        bob.keyboard().press("Shift+Tab");
        Locator edit = button(mine, "Edit");
        assertThat(edit).isFocused();
        bob.keyboard().press("Enter");

        Locator box = editor(mine);
        assertThat(box).isFocused();
        bob.keyboard().type(" and more");
        assertThat(box).hasValue("keyboard " + tag + " and more");
        bob.keyboard().press("Escape");
        assertThat(editor(mine)).hasCount(0);
        assertThat(edit).isFocused();
        assertThat(mine.locator(".content")).hasText("keyboard " + tag);
        assertThat(mine.locator(".edited")).hasCount(0);
        assertThat(problems).isEmpty();
    }

    @Test
    void anEmptyEditShowsItsErrorInTheMessageAndChangesNothing() {
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        String tag = tag();
        send(bob, "do not empty me " + tag);
        Locator mine = message(bob, tag);
        mine.hover();
        button(mine, "Edit").click();
        editor(mine).fill("   ");
        editor(mine).press("Enter");
        assertThat(mine.getByRole(AriaRole.ALERT)).hasText("Type a message first.");
        assertThat(editor(mine)).isFocused();
        // Again: the second refusal replaces the first.
        Response second = bob.waitForResponse(
                r -> r.url().contains("/messages/")
                        && "PATCH".equals(r.request().method()),
                () -> editor(mine).press("Enter"));
        assertThat(second.status()).isEqualTo(422);
        assertThat(mine.getByRole(AriaRole.ALERT)).hasCount(1);
        editor(mine).press("Escape");
        assertThat(mine.getByRole(AriaRole.ALERT)).hasCount(0);
        assertThat(mine.locator(".content")).hasText("do not empty me " + tag);
        // Chromium logs each refused request; nothing else is logged.
        assertThat(problems).containsOnly("Failed to load resource: the server responded with a status of 422 ()");
    }

    @Test
    void deleteRemovesItForBoth() {
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        Page bob = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        String tag = tag();
        send(bob, "delete me " + tag);
        send(bob, "keep me " + tag);
        assertThat(message(alice, "keep me " + tag)).hasCount(1);
        assertThat(message(alice, "delete me " + tag)).hasCount(1);

        Locator mine = message(bob, "delete me " + tag);
        mine.hover();
        button(mine, "Delete").click();
        assertThat(message(bob, "delete me " + tag)).hasCount(0);
        assertThat(bob.getByLabel("Message", EXACT)).isFocused();
        assertThat(message(alice, "delete me " + tag)).hasCount(0);
        assertThat(message(alice, "keep me " + tag)).hasCount(1);

        bob.reload();
        assertThat(message(bob, "keep me " + tag)).hasCount(1);
        assertThat(message(bob, "delete me " + tag)).hasCount(0);
        assertThat(problems).isEmpty();
    }

    /**
     * Bob edits in one tab while his other tab has the editor open on the same message: that editor stays, with what
     * he typed and the caret where it was, and says the message changed meanwhile; the text under it is the new one.
     */
    @Test
    void aLiveEditOfAMessageBeingEditedKeepsTheEditorAndSaysSo() {
        Page first = open(bobContext, BOB_EMAIL, BOB_PASSWORD);
        Page second = ChatPage.watched(bobContext.newPage(), problems); // the same login, a second tab
        second.setDefaultTimeout(WAIT.toMillis());
        second.navigate("http://localhost:" + port + "/");
        assertThat(second.locator("#connection-status")).containsText("Connected");
        String tag = tag();
        send(first, "two tabs " + tag);
        Locator inFirst = message(first, tag);
        Locator inSecond = message(second, tag);
        assertThat(inSecond).hasCount(1);

        inSecond.hover();
        button(inSecond, "Edit").click();
        editor(inSecond).fill("typed in the second tab " + tag);

        inFirst.hover();
        button(inFirst, "Edit").click();
        editor(inFirst).fill("saved in the first tab " + tag);
        editor(inFirst).press("Enter");
        assertThat(inFirst.locator(".content")).hasText("saved in the first tab " + tag);

        assertThat(inSecond.getByRole(AriaRole.STATUS)).containsText("Changed meanwhile");
        assertThat(editor(inSecond)).hasValue("typed in the second tab " + tag);
        assertThat(editor(inSecond)).isFocused();
        assertThat(inSecond.locator(".content")).hasText("saved in the first tab " + tag);
        editor(inSecond).press("Escape");
        assertThat(inSecond.locator(".content")).isVisible();
        assertThat(inSecond.locator(".edited")).hasText("edited");
        assertThat(problems).isEmpty();
    }

    /**
     * Alice's stream is down while Bob deletes one message and edits another (straight in Directus, as another
     * client would). When her page resumes (a new EventSource from since=), the deleted one is gone from it and the
     * edited one shows its new text.
     */
    @Test
    void aPageThatWasOfflineDropsWhatWasDeletedMeanwhileWhenItResumes() {
        Page alice = open(aliceContext, ALICE_EMAIL, ALICE_PASSWORD);
        String tag = tag();
        String bobToken = TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD);
        String directus = TestDirectus.shared().url();
        long doomed = DirectusRest.createMessage(directus, bobToken, "deleted while alice was away " + tag);
        long changed = DirectusRest.createMessage(directus, bobToken, "changed while alice was away " + tag);
        long kept = DirectusRest.createMessage(directus, bobToken, "kept " + tag);
        assertThat(alice.locator("#m-" + kept)).hasCount(1);
        assertThat(alice.locator("#m-" + doomed)).hasCount(1);

        AtomicBoolean failedOnce = new AtomicBoolean();
        alice.route("**/stream*", route -> {
            if (failedOnce.compareAndSet(false, true)) {
                DirectusRest.call(directus, "DELETE", "/items/messages/" + doomed, bobToken, null);
                DirectusRest.call(
                        directus,
                        "PATCH",
                        "/items/messages/" + changed,
                        bobToken,
                        "{\"content\":\"changed indeed " + tag + "\"}");
                route.fulfill(new Route.FulfillOptions().setStatus(503).setBody("down for a moment"));
            } else {
                route.resume();
            }
        });
        Response resumed =
                alice.waitForResponse(r -> r.url().contains("/stream?") && r.status() == 200, this::breakAlicesStream);
        assertThat(resumed.url()).contains("since=" + kept);

        assertThat(alice.locator("#m-" + doomed)).hasCount(0);
        assertThat(alice.locator("#m-" + changed + " .content")).hasText("changed indeed " + tag);
        assertThat(alice.locator("#m-" + changed + " .edited")).hasText("edited");
        assertThat(alice.locator("#m-" + kept)).hasCount(1);
        assertThat(alice.locator("#connection-status")).hasText("Connected");
        alice.unrouteAll();
        // The refused stream is logged (by Chromium and htmx); nothing else is, no out-of-band swap without a target.
        assertThat(problems).noneMatch(p -> p.contains("oob") || p.startsWith("page error"));
    }

    /** Ends Alice's stream from the server, as a stream timeout or a proxy would. */
    private void breakAlicesStream() {
        String sessionId = aliceContext.cookies().stream()
                .filter(c -> c.name.equals("JSESSIONID"))
                .map(c -> c.value)
                .findFirst()
                .orElseThrow();
        ChatSession session = await().atMost(WAIT)
                .until(
                        () -> chatSessions.find(sessionId),
                        s -> s != null && !s.streams().isEmpty());
        session.streams().forEach(MessageStream::complete);
    }
}
