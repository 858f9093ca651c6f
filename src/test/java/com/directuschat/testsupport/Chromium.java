package com.directuschat.testsupport;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One headless Chromium per test class: {@code @RegisterExtension static final Chromium chromium = new Chromium();}.
 * Without Debian's Chromium the class is skipped, or fails in CI ({@link TestService}).
 */
public final class Chromium implements BeforeAllCallback, AfterAllCallback {

    private Playwright playwright;
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) {
        TestService.CHROMIUM.require();
        playwright = Browsers.playwright();
        browser = Browsers.launch(playwright);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (playwright != null) {
            playwright.close();
        }
    }

    public Browser browser() {
        return browser;
    }
}
