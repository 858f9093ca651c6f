package com.directuschat.cluster;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.provision.ChatUser;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.Nginx;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19: the "Online" list and the typing line across two chat processes sharing Redis ({@link Cluster}), in
 * real Chromium, with each browser on a chat instance of its own: lists and typing cross at once (pub/sub); a killed
 * instance's users and typists go when their entries expire; with Redis away each instance lists its own users
 * only and the chat goes on. Presence's intervals are short here (heartbeat 1 s, expiry 5 s, poll 1 s), and the
 * SSE heartbeat is 1 s, so a closed tab is noticed at once. Run: {@code ./mvnw -Pcluster verify}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration EXPIRY = Duration.ofSeconds(5);

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private final Cluster cluster = new Cluster()
            .withBridgeArgs(
                    "--chat.presence.heartbeat-interval=1s",
                    "--chat.presence.expiry=" + EXPIRY.toSeconds() + "s",
                    "--chat.presence.poll-interval=1s",
                    "--chat.heartbeat-interval=1s");
    private final List<BrowserContext> contexts = new ArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startCluster() {
        Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
        cluster.start();
    }

    @AfterAll
    void stopCluster() {
        PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        cluster.close();
    }

    @AfterEach
    void closeBrowsers() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
        problems.clear();
    }

    @Test
    @Order(1)
    void theOnlineListAndTheTypingLineCrossInstancesAtOnce() {
        ChatUser aliceUser = Cluster.user("alice-p");
        ChatUser bobUser = Cluster.user("bob-p");
        cluster.users(List.of(aliceUser, bobUser));
        Page alice = open(0, aliceUser);
        Page bob = open(1, bobUser);
        String[] both = {"alice-p Cluster", "bob-p Cluster"};
        assertThat(online(alice)).hasText(both);
        assertThat(online(bob)).hasText(both);

        Locator box = bob.getByLabel("Message", ChatPage.EXACT);
        String text = "from Bob on chat 2 " + UUID.randomUUID();
        box.pressSequentially(text.substring(0, 10));
        assertThat(typingLine(alice)).hasText("bob-p Cluster is typing…");
        assertThat(typingLine(bob)).hasCount(0);
        box.pressSequentially(text.substring(10));
        box.press("Enter");
        assertThat(ChatPage.message(alice, text)).hasCount(1);
        assertThat(typingLine(alice)).hasCount(0);

        // Alice types and stops: the line goes by itself (4 s after her last signal).
        alice.getByLabel("Message", ChatPage.EXACT).pressSequentially("a draft");
        assertThat(typingLine(bob)).hasText("alice-p Cluster is typing…");
        assertThat(typingLine(bob)).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(15_000));

        bob.close();
        assertThat(online(alice)).hasText(new String[] {"alice-p Cluster"});
        assertThat(problems).isEmpty();
    }

    @Test
    @Order(2)
    void whenAChatInstanceIsKilledItsUsersAndTypistsGoAfterTheExpiry() {
        ChatUser ceeUser = Cluster.user("cee-p");
        ChatUser dirkUser = Cluster.user("dirk-p");
        cluster.users(List.of(ceeUser, dirkUser));
        Page cee = open(0, ceeUser);
        // Dirk straight to chat 2, not through nginx: his tab must not reconnect to chat 1 and list him again.
        Page dirk = page(newContext(), new ArrayList<>());
        dirk.navigate(cluster.bridgeUrl(1) + "/");
        ChatPage.logIn(dirk, dirkUser.email(), dirkUser.password());
        assertThat(online(cee)).hasText(new String[] {"cee-p Cluster", "dirk-p Cluster"});
        dirk.getByLabel("Message", ChatPage.EXACT).pressSequentially("half a thought");
        assertThat(typingLine(cee)).hasText("dirk-p Cluster is typing…");

        AppProcess instance = cluster.bridge(1);
        try {
            instance.sigkill();
            instance.awaitExit(Cluster.STOP_WAIT);
            long killed = System.nanoTime();
            assertThat(typingLine(cee)).hasCount(0);
            assertThat(online(cee)).hasText(new String[] {"cee-p Cluster"});
            // Not before the entry's expiry: a dead instance says nothing, its entries just stop being refreshed.
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                    .isGreaterThan(EXPIRY.minus(Duration.ofSeconds(1)).minusSeconds(1));
            assertThat(cee.locator("#connection-status")).containsText("Connected");
            assertThat(problems).isEmpty();
        } finally {
            if (!instance.isAlive()) {
                cluster.startBridge(1);
            }
        }
    }

    @Test
    @Order(3)
    void withRedisAwayEachInstanceListsItsOwnUsersTypingStopsAndTheChatGoesOn() {
        ChatUser eveUser = Cluster.user("eve-p");
        ChatUser fayUser = Cluster.user("fay-p");
        ChatUser gusUser = Cluster.user("gus-p");
        cluster.users(List.of(eveUser, fayUser, gusUser));
        String gus = TestDirectus.loginToken(cluster.directusUrl(), gusUser.email(), gusUser.password());
        Page eve = open(0, eveUser);
        Page fay = open(1, fayUser);
        String[] both = {"eve-p Cluster", "fay-p Cluster"};
        assertThat(online(eve)).hasText(both);

        TcpProxy redis = cluster.bridgesRedis();
        redis.down();
        try {
            assertThat(online(eve)).hasText(new String[] {"eve-p Cluster"});
            assertThat(online(fay)).hasText(new String[] {"fay-p Cluster"});
            // Typing needs the session, which is in Redis: nothing shows, nothing breaks.
            fay.getByLabel("Message", ChatPage.EXACT).pressSequentially("while Redis is away");
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> typingLine(eve).count() == 0);
            String during = "created in Directus while Redis is away " + UUID.randomUUID();
            DirectusRest.createMessage(cluster.directusUrl(), gus, during);
            assertThat(ChatPage.message(eve, during)).hasCount(1);
            assertThat(ChatPage.message(fay, during)).hasCount(1);
            assertThat(eve.locator("#connection-status")).containsText("Connected");
        } finally {
            redis.restore();
        }

        assertThat(online(eve)).hasText(both);
        assertThat(online(fay)).hasText(both);
        await().atMost(WAIT).untilAsserted(() -> {
            fay.getByLabel("Message", ChatPage.EXACT).pressSequentially(".");
            assertThat(typingLine(eve))
                    .hasText("fay-p Cluster is typing…", new LocatorAssertions.HasTextOptions().setTimeout(3_000));
        });
        // The only errors the pages saw are the 503s of typing signals while the sessions were out of reach.
        assertThat(problems).allSatisfy(p -> assertThat(p).contains("status of 503"));
    }

    private static Locator online(Page page) {
        return page.getByLabel("Online").getByRole(AriaRole.LISTITEM);
    }

    private static Locator typingLine(Page page) {
        return page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("typing"));
    }

    /** Logs in on chat instance {@code i} directly, in a browser of its own, and waits until the chat is live. */
    private Page open(int i, ChatUser user) {
        Page page = page(newContext(), problems);
        page.navigate(cluster.bridgeUrl(i) + "/");
        ChatPage.logIn(page, user.email(), user.password());
        return page;
    }

    private BrowserContext newContext() {
        BrowserContext context = chromium.browser().newContext();
        contexts.add(context);
        return context;
    }

    private static Page page(BrowserContext context, List<String> problems) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(WAIT.toMillis());
        return page;
    }
}
