package com.directuschat.testsupport;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;

/** What browser tests do on the chat's pages, the way a user does it: by label and button name. */
public final class ChatPage {

    /** "Message" alone, not the "Messages"/"Conversation" log. */
    public static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    private ChatPage() {}

    /**
     * Collects what must never happen on our pages: script errors, CSP violations (Chromium reports them as
     * console errors) and dialogs. htmx logs an EventSource aborted by a reload as "[object Event]"; that one
     * is expected.
     */
    public static Page watched(Page page, List<String> problems) {
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type()) && !"[object Event]".equals(message.text())) {
                problems.add(message.text());
            }
        });
        page.onPageError(error -> problems.add("page error: " + error));
        page.onDialog(dialog -> {
            problems.add("dialog: " + dialog.message());
            dialog.dismiss();
        });
        return page;
    }

    /** Fills the login form and submits it, without waiting for the outcome. */
    public static void submitLogin(Page page, String email, String password) {
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                .click();
    }

    /** Logs in and waits until the chat is live. */
    public static void logIn(Page page, String email, String password) {
        submitLogin(page, email, password);
        assertThat(page.locator("#connection-status")).containsText("Connected");
    }

    public static void send(Page page, String text) {
        page.getByLabel("Message", EXACT).fill(text);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                .click();
    }

    /** The ids of the messages the page lists, top to bottom. */
    @SuppressWarnings("unchecked")
    public static List<Long> messageIds(Page page) {
        List<Object> ids = (List<Object>) page.evaluate(
                "() => Array.from(document.querySelectorAll('#messages li.message')).map(li => Number(li.dataset.id))");
        return ids.stream().map(id -> ((Number) id).longValue()).toList();
    }

    public static Locator message(Page page, String text) {
        return page.locator("#messages li.message", new Page.LocatorOptions().setHasText(text));
    }
}
