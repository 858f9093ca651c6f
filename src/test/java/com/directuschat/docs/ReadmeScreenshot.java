package com.directuschat.docs;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Path;

/**
 * Takes the README's screenshot (docs/screenshot.png) from a running {@code ./mvnw spring-boot:run} with its seeded
 * demo history: Bob and Carol are online, Bob posts in Dev while Alice reads General. Not a test; run it by hand:
 * {@code java -cp <test classpath> src/test/java/com/directuschat/docs/ReadmeScreenshot.java http://localhost:8080}.
 */
public final class ReadmeScreenshot {

    private ReadmeScreenshot() {}

    public static void main(String[] args) {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        try (Playwright playwright = Playwright.create()) {
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of("/usr/bin/chromium")));
            Page bob = logIn(browser, base, "bob@example.com", "bob-password");
            logIn(browser, base, "carol@example.com", "carol-password");
            Page alice = logIn(browser, base, "alice@example.com", "alice-password");
            assertThat(alice.getByLabel("Online").getByText("Carol Example")).isVisible();
            bob.navigate(base + "/rooms/dev");
            assertThat(bob.locator("#connection-status")).containsText("Connected");
            bob.getByLabel("Message", new Page.GetByLabelOptions().setExact(true))
                    .fill("Screenshot time: rooms, presence and unread counts are in");
            bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                    .click();
            assertThat(alice.locator("#room-link-dev .badge")).isVisible();
            alice.waitForTimeout(500);
            alice.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshot.png")));
            browser.close();
        }
    }

    private static Page logIn(Browser browser, String base, String email, String password) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 720));
        Page page = context.newPage();
        page.navigate(base + "/");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                .click();
        assertThat(page.locator("#connection-status")).containsText("Connected");
        return page;
    }
}
