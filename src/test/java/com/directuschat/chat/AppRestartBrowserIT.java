package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.DirectusChatApplication;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 4: our own app restarts under an open page. Its in-memory sessions are gone, so the page must end
 * up at a log-in prompt (not "Reconnecting…" for ever), keep what was typed, and get it back after log-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppRestartBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The htmx extension backs off 0.5 s, 1 s, 2 s, … between new EventSources while we are down. */
    private static final double AFTER_RESTART_MS = 90_000;

    private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    int port;
    ConfigurableApplicationContext app;

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    BrowserContext browserContext;

    @BeforeAll
    void launch() {
        port = TestDirectus.freePort();
    }

    @AfterAll
    void close() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void startApp() {
        if (app == null || !app.isActive()) {
            app = startChat();
        }
        browserContext = chromium.browser().newContext();
    }

    @AfterEach
    void closeBrowserContext() {
        browserContext.close();
    }

    private ConfigurableApplicationContext startChat() {
        return new SpringApplicationBuilder(DirectusChatApplication.class)
                .run(
                        "--server.port=" + port,
                        "--directus.url=" + TestDirectus.shared().url(),
                        "--directus.local.enabled=false");
    }

    private void restartChat() {
        app.close();
        app = startChat();
    }

    @Test
    void afterARestartThePageAsksToLogInAgainKeepsTheDraftAndRestoresItAfterLogIn() {
        List<Request> streams = new CopyOnWriteArrayList<>();
        List<Request> finished = new CopyOnWriteArrayList<>();
        List<Request> failed = new CopyOnWriteArrayList<>();
        Page page = browserContext.newPage();
        page.onRequest(request -> {
            if (request.url().contains("/stream?")) {
                streams.add(request);
            }
        });
        page.onRequestFinished(finished::add);
        page.onRequestFailed(failed::add);
        openLoggedIn(page);
        assertThat(streams).hasSize(1);
        Request stream = streams.get(0);
        String draft = "typed before the restart " + UUID.randomUUID();
        page.getByLabel("Message", EXACT).fill(draft);

        restartChat();

        assertThat(page.locator("#session-ended"))
                .containsText(
                        "Your session has ended",
                        new LocatorAssertions.ContainsTextOptions().setTimeout(AFTER_RESTART_MS));
        assertThat(page.locator("#connection-status")).not().containsText("Reconnecting");
        assertThat(page.getByLabel("Message", EXACT)).hasValue(draft);
        // Our shutdown ended the open stream itself, cleanly, rather than the web server tearing it down
        // (ERR_INCOMPLETE_CHUNKED_ENCODING) after its graceful-shutdown timeout.
        assertThat(failed).doesNotContain(stream);
        assertThat(finished).contains(stream);

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Log in again"))
                .click();
        assertThat(page).hasURL(Pattern.compile(".*/login\\?expired$"));
        logIn(page);
        assertThat(page).hasURL(Pattern.compile(".*:" + port + "/$"));
        assertThat(page.getByLabel("Message", EXACT)).hasValue(draft);
    }

    @Test
    void sendingAfterARestartShowsTheLogInPromptInlineAndKeepsTheText() {
        Page page = openLoggedIn();
        // The page must learn of the restart from its post alone: its stream cannot reconnect.
        page.route("**/stream*", Route::abort);

        restartChat();

        String text = "sent after the restart " + UUID.randomUUID();
        page.getByLabel("Message", EXACT).fill(text);
        Response post = page.waitForResponse(
                r -> r.url().endsWith("/messages") && "POST".equals(r.request().method()),
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                        .click());

        assertThat(post.status()).isIn(401, 403);
        assertThat(post.headers()).containsEntry("hx-retarget", "#session-ended");
        assertThat(page.locator("#session-ended")).containsText("Your session has ended");
        assertThat(page.locator("#session-ended a")).hasText("Log in again");
        assertThat(page.getByLabel("Message", EXACT)).hasValue(text);
        assertThat(page.getByLabel("Message", EXACT)).isEditable();

        page.unroute("**/stream*");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Log in again"))
                .click();
        logIn(page);
        assertThat(page.getByLabel("Message", EXACT)).hasValue(text);
    }

    private Page openLoggedIn() {
        return openLoggedIn(browserContext.newPage());
    }

    private Page openLoggedIn(Page page) {
        page.setDefaultTimeout(WAIT.toMillis());
        page.navigate("http://localhost:" + port + "/");
        logIn(page);
        return page;
    }

    private static void logIn(Page page) {
        ChatPage.logIn(page, ALICE_EMAIL, ALICE_PASSWORD);
    }
}
