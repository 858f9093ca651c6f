package com.directuschat.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;

/**
 * One headless Chromium per test class: {@code @RegisterExtension static final Chromium chromium = new Chromium();}.
 * The class is skipped when Debian's Chromium is not installed.
 */
public final class Chromium implements BeforeAllCallback, AfterAllCallback {

    private Playwright playwright;
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) {
        Assumptions.assumeTrue(Browsers.available(), "Chromium is not installed at " + Browsers.CHROMIUM);
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
