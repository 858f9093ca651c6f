package com.directuschat.cluster;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.provision.ChatUser;
import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.Chromium;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10: two chat instances and two Directus instances, nginx in front, PostgreSQL and Redis behind, as
 * processes ({@link Cluster}), driven through real Chromium. Run: {@code ./mvnw -Pcluster verify}. The scenarios
 * run in order on one cluster, each with users of its own; the last one restarts Directus with short-lived tokens.
 */
@Requires({TestService.NGINX, TestService.POSTGRES, TestService.REDIS, TestService.CHROMIUM})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** Reconnects after a stop wait for backoffs (the browser's and the realtime session's) on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Directus's {@code ACCESS_TOKEN_TTL} in the refresh scenario: the chat refreshes a quarter before its end. */
    private static final Duration TOKEN_LIFE = Duration.ofSeconds(20);

    private static final String TRY_AGAIN = "Try again shortly";

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    private final Cluster cluster = new Cluster();
    private final List<BrowserContext> contexts = new ArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startCluster() {
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
        cluster.start();
    }

    @AfterAll
    void stopCluster() {
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
    void usersOnDifferentChatInstancesAndDifferentDirectusInstancesSeeEachOthersMessagesLive() {
        Map<String, String> ids = cluster.users(List.of(Cluster.user("alice1"), Cluster.user("bob1")));
        String aliceId = ids.get(Cluster.user("alice1").email());
        String bobId = ids.get(Cluster.user("bob1").email());

        Page alice = open(cluster.bridgeUrl(0), Cluster.user("alice1"));
        int aliceDirectus = awaitSocket(aliceId);
        Page bob = open(cluster.bridgeUrl(1), Cluster.user("bob1"));
        int bobDirectus = awaitSocket(bobId);
        // nginx's least_conn upstream for /websocket put the second socket on the other Directus.
        assertThat(bobDirectus).as("Bob's Directus").isNotEqualTo(aliceDirectus);

        String fromAlice = "from Alice through chat 1 " + UUID.randomUUID();
        ChatPage.send(alice, fromAlice);
        assertThat(ChatPage.message(bob, fromAlice)).hasCount(1);
        String fromBob = "from Bob through chat 2 " + UUID.randomUUID();
        ChatPage.send(bob, fromBob);
        assertThat(ChatPage.message(alice, fromBob)).hasCount(1);
        assertOnce(alice, fromAlice, fromBob);
        assertOnce(bob, fromAlice, fromBob);
        assertThat(problems).isEmpty();
    }

    @Test
    @Order(2)
    void whenADirectusStopsItsSessionsReconnectThroughTheOtherAndBackfill() {
        ChatUser annUser = Cluster.user("ann3");
        ChatUser benUser = Cluster.user("ben3");
        Map<String, String> ids = cluster.users(List.of(annUser, benUser));
        Page ann = open(cluster.bridgeUrl(0), annUser);
        int stopped = awaitSocket(ids.get(annUser.email()));
        Page ben = open(cluster.bridgeUrl(1), benUser);
        awaitSocket(ids.get(benUser.email()));
        int other = 1 - stopped;

        cluster.directus(stopped).stop();
        try {
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                sent.add(sendAndAwaitAccepted(ben, "while Directus " + (stopped + 1) + " is down, " + i));
            }
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(cluster.directusOf(ids.get(annUser.email())))
                            .as("Ann's socket")
                            .containsExactly(other));
            String after = "after Ann reconnected " + UUID.randomUUID();
            ChatPage.send(ann, after);
            sent.add(after);
            for (String text : sent) {
                assertThat(ChatPage.message(ann, text)).hasCount(1);
                assertThat(ChatPage.message(ben, text)).hasCount(1);
            }
            assertOnce(ann, sent.toArray(String[]::new));
            assertOnce(ben, sent.toArray(String[]::new));
            assertThat(problems).isEmpty();
        } finally {
            cluster.directus(stopped).start();
        }
    }

    @Test
    @Order(3)
    void whenTheChatInstanceHoldingAStreamGetsSigtermTheBrowserCarriesOnThroughTheOtherStillLoggedIn() {
        chatInstanceStops("term", AppProcess::sigterm);
    }

    @Test
    @Order(4)
    void whenTheChatInstanceHoldingAStreamIsKilledTheBrowserCarriesOnThroughTheOtherStillLoggedIn() {
        chatInstanceStops("kill", AppProcess::sigkill);
    }

    /**
     * Dee's browser goes through nginx; Eve's straight to the instance that stays. The instance holding Dee's
     * stream stops mid-conversation; every message sent meanwhile, by either, reaches both once, in order, and Dee
     * never logs in again.
     */
    private void chatInstanceStops(String how, Consumer<AppProcess> stop) {
        ChatUser deeUser = Cluster.user("dee-" + how);
        ChatUser eveUser = Cluster.user("eve-" + how);
        cluster.users(List.of(deeUser, eveUser));
        Page dee = open(cluster.url(), deeUser);
        int stopped = awaitStreamInstance();
        int other = 1 - stopped;
        Page eve = open(cluster.bridgeUrl(other), eveUser);
        List<String> sent = new ArrayList<>();
        sent.add(sendAndAwaitAccepted(dee, "before, from Dee through nginx"));
        sent.add(sendAndAwaitAccepted(eve, "before, from Eve"));
        assertThat(ChatPage.message(eve, sent.get(0))).hasCount(1);
        assertThat(ChatPage.message(dee, sent.get(1))).hasCount(1);

        AppProcess instance = cluster.bridge(stopped);
        try {
            stop.accept(instance);
            sent.add(sendAndAwaitAccepted(eve, "while chat " + (stopped + 1) + " stops, from Eve"));
            sent.add(sendAndAwaitAccepted(dee, "while chat " + (stopped + 1) + " stops, from Dee"));
            instance.awaitExit(Cluster.STOP_WAIT);
            sent.add(sendAndAwaitAccepted(eve, "after chat " + (stopped + 1) + " stopped, from Eve"));
            sent.add(sendAndAwaitAccepted(dee, "after chat " + (stopped + 1) + " stopped, from Dee"));

            for (String text : sent) {
                assertThat(ChatPage.message(dee, text)).hasCount(1);
                assertThat(ChatPage.message(eve, text)).hasCount(1);
            }
            assertOnce(dee, sent.toArray(String[]::new));
            assertOnce(eve, sent.toArray(String[]::new));
            assertThat(dee.locator("#connection-status")).containsText("Connected");
            assertThat(dee.locator("#session-ended")).isHidden();
            assertThat(dee.url()).doesNotContain("/login");
            await().atMost(WAIT).until(() -> cluster.nginx().connectionsTo(cluster.bridgePort(other)) == 1);
        } finally {
            if (!instance.isAlive()) {
                cluster.startBridge(stopped);
            }
        }
    }

    /**
     * Redis goes away from both chat instances (Directus keeps it). Alice's stream, opened through nginx, keeps
     * relaying: a message another user creates in Directus meanwhile appears live. What needs the session is a 503
     * "try again shortly": her send (the error line, the text stays in the box), a page load (the 503 page, not a 500
     * nor the login page), a login. When Redis returns, her kept text goes through once and she is still logged in.
     */
    @Test
    @Order(5)
    void whenRedisIsDownOpenStreamsRelayAndWhatNeedsTheSessionIsA503UntilItReturns() {
        ChatUser aliceUser = Cluster.user("alice-redis");
        ChatUser carlUser = Cluster.user("carl-redis");
        ChatUser danUser = Cluster.user("dan-redis");
        cluster.users(List.of(aliceUser, carlUser, danUser));
        String carl = TestDirectus.loginToken(cluster.directusUrl(), carlUser.email(), carlUser.password());
        Page alice = open(cluster.url(), aliceUser);
        Page dan = page(newContext());
        dan.navigate(cluster.url() + "/login"); // the form is loaded before Redis goes
        Locator box = alice.getByLabel("Message", ChatPage.EXACT);
        String kept = "typed while Redis is down " + UUID.randomUUID();
        String during = "created in Directus while Redis is down " + UUID.randomUUID();

        TcpProxy redis = cluster.bridgesRedis();
        redis.down();
        try {
            DirectusRest.createMessage(cluster.directusUrl(), carl, during);
            assertThat(ChatPage.message(alice, during)).hasCount(1);

            ChatPage.send(alice, kept);
            assertThat(alice.locator("#send-error")).containsText(TRY_AGAIN);
            assertThat(box).hasValue(kept);

            Page reload = page(alice.context());
            Response page = reload.navigate(cluster.url() + "/");
            assertThat(page.status()).as("page load through nginx").isEqualTo(503);
            assertThat(reload.getByRole(AriaRole.ALERT)).containsText(TRY_AGAIN);
            assertThat(reload.url()).doesNotContain("/login");
            reload.close();
            for (int i = 0; i < 2; i++) {
                assertThat(status(alice.context(), cluster.bridgeUrl(i) + "/"))
                        .as("page load on chat %d", i + 1)
                        .isEqualTo(503);
            }

            ChatPage.submitLogin(dan, danUser.email(), danUser.password());
            assertThat(dan.getByRole(AriaRole.ALERT)).containsText(TRY_AGAIN);
            assertThat(ChatPage.message(alice, kept)).hasCount(0);
        } finally {
            redis.restore();
        }

        // The Redis clients reconnect by themselves; until then a request is still a 503.
        for (int i = 0; i < 2; i++) {
            String url = cluster.bridgeUrl(i) + "/";
            await().atMost(WAIT).until(() -> status(alice.context(), url) == 200);
        }
        assertThat(box).hasValue(kept);
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send"))
                .click();
        assertThat(box).hasValue("");
        assertThat(alice.locator("#send-error")).hasText("");
        assertThat(ChatPage.message(alice, kept)).hasCount(1);
        assertOnce(alice, during, kept);
        assertStillLoggedIn(alice);
        dan.navigate(cluster.url() + "/login");
        ChatPage.logIn(dan, danUser.email(), danUser.password());
        assertThat(ChatPage.message(dan, kept)).hasCount(1);
        // The browser reports each 503 it got; nothing else went wrong on the pages.
        assertThat(problems).allSatisfy(p -> assertThat(p).contains("status of 503"));
    }

    /**
     * With short-lived tokens, one login is used on both chat instances at once: a tab on chat 1 and a tab on chat
     * 2, each with its stream and so its own realtime socket, both re-authenticating when the token is due, at the
     * same moment. Directus kills a refresh token on its first use, so two refreshes of it would log the user out:
     * over more than three token lives of messages sent through chat 2, Directus refreshes the login once per life,
     * every message reaches both tabs once, in order, and nobody is logged out.
     */
    @Test
    @Order(6)
    void oneLoginUsedOnBothChatInstancesIsRefreshedOncePerTokenLifeAndStaysLoggedIn() {
        cluster.restartDirectus(Map.of("ACCESS_TOKEN_TTL", TOKEN_LIFE.toSeconds() + "s"));
        ChatUser fayUser = Cluster.user("fay-refresh");
        String fayId = cluster.users(List.of(fayUser)).get(fayUser.email());
        Page onFirst = open(cluster.bridgeUrl(0), fayUser);
        // The session cookie is for 127.0.0.1, whatever the port: the second tab uses the same login on chat 2.
        Page onSecond = page(onFirst.context());
        onSecond.navigate(cluster.bridgeUrl(1) + "/");
        assertThat(onSecond.locator("#connection-status")).containsText("Connected");
        await().atMost(WAIT).until(() -> cluster.socketsOf(fayId) == 2);

        Instant from = Instant.now();
        List<String> sent = new ArrayList<>();
        while (Instant.now().isBefore(from.plus(TOKEN_LIFE.multipliedBy(7).dividedBy(2)))) {
            String text = sendAndAwaitAccepted(onSecond, "through chat 2, number " + (sent.size() + 1));
            sent.add(text);
            assertThat(ChatPage.message(onFirst, text)).hasCount(1);
        }
        String last = sendAndAwaitAccepted(onFirst, "through chat 1, the last");
        sent.add(last);
        assertThat(ChatPage.message(onSecond, last)).hasCount(1);

        List<Instant> refreshes = cluster.refreshesOf(fayId).stream()
                .filter(at -> at.isAfter(from))
                .toList();
        System.out.printf(
                "Refresh scenario: %d messages in %d s, refreshes of Fay's login at %s s%n",
                sent.size(),
                Duration.between(from, Instant.now()).toSeconds(),
                refreshes.stream()
                        .map(at -> Duration.between(from, at).toMillis() / 1000.0)
                        .toList());
        assertThat(refreshes).as("refreshes of Fay's login").hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < refreshes.size(); i++) {
            assertThat(Duration.between(refreshes.get(i - 1), refreshes.get(i)))
                    .as("time between refreshes %d and %d of %s", i, i + 1, refreshes)
                    .isGreaterThan(TOKEN_LIFE.dividedBy(2));
        }
        for (Page page : List.of(onFirst, onSecond)) {
            for (String text : sent) {
                assertThat(ChatPage.message(page, text)).hasCount(1);
            }
            assertOnce(page, sent.toArray(String[]::new));
            assertStillLoggedIn(page);
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Trust in the cluster: Bob, talking to Directus directly through the balancer (so to both Directus processes
     * on PostgreSQL), cannot rewrite, delete or take over Alice's message, nor pick an id; his own stays his.
     */
    @Test
    @Order(7)
    void aUserTalkingToDirectusDirectlyCannotChangeAnothersMessageOnEitherDirectus() {
        ChatUser ginUser = Cluster.user("gin-trust");
        ChatUser halUser = Cluster.user("hal-trust");
        Map<String, String> ids = cluster.users(List.of(ginUser, halUser));
        String url = cluster.directusUrl();
        String gin = TestDirectus.loginToken(url, ginUser.email(), ginUser.password());
        String hal = TestDirectus.loginToken(url, halUser.email(), halUser.password());
        long hers = DirectusRest.createMessage(url, gin, "gin's own words");
        long his = DirectusRest.createMessage(url, hal, "hal's own words");
        // Several of each, so that both Directus processes behind the balancer answer some.
        for (int i = 0; i < 4; i++) {
            assertThat(DirectusRest.status(url, "PATCH", "/items/messages/" + hers, hal, "{\"content\":\"pwned\"}"))
                    .isEqualTo(403);
            assertThat(DirectusRest.status(url, "DELETE", "/items/messages/" + hers, hal, null))
                    .isEqualTo(403);
            assertThat(DirectusRest.status(
                            url,
                            "PATCH",
                            "/items/messages/" + his,
                            hal,
                            "{\"user_created\":\"" + ids.get(ginUser.email()) + "\"}"))
                    .isEqualTo(403);
            assertThat(DirectusRest.status(
                            url, "POST", "/items/messages", hal, "{\"id\":" + (9_007_199_254_740_000L + i) + "}"))
                    .isEqualTo(400); // field validation: Directus sets the id
        }
        assertThat(DirectusRest.status(url, "PATCH", "/items/messages/" + his, hal, "{\"content\":\"hal edited\"}"))
                .isEqualTo(200);
        JsonNode row = DirectusRest.call(url, "GET", "/items/messages/" + hers, gin, null)
                .path("data");
        assertThat(row.path("content").asString()).isEqualTo("gin's own words");
        assertThat(row.path("user_created").asString()).isEqualTo(ids.get(ginUser.email()));
    }

    private static void assertStillLoggedIn(Page page) {
        assertThat(page.locator("#connection-status")).containsText("Connected");
        assertThat(page.locator("#session-ended")).isHidden();
        assertThat(page.url()).doesNotContain("/login");
    }

    /** Status of a GET with the browser's cookies, redirects not followed (a logged-out page redirects to login). */
    private static int status(BrowserContext context, String url) {
        return context.request()
                .get(url, RequestOptions.create().setMaxRedirects(0).setHeader("Accept", "text/html"))
                .status();
    }

    /** Waits until the browser's one long request through nginx, its stream, is on one instance; returns which. */
    private int awaitStreamInstance() {
        int[] on = new int[1];
        await().atMost(WAIT).until(() -> {
            int first = cluster.nginx().connectionsTo(cluster.bridgePort(0));
            int second = cluster.nginx().connectionsTo(cluster.bridgePort(1));
            on[0] = first == 1 ? 0 : 1;
            return first + second == 1;
        });
        return on[0];
    }

    /** Logs in through {@code url}, in a browser of its own, and waits until the chat is live. */
    private Page open(String url, ChatUser user) {
        Page page = page(newContext());
        page.navigate(url + "/");
        ChatPage.logIn(page, user.email(), user.password());
        return page;
    }

    /** A browser of its own (its own cookies), closed after the test. */
    private BrowserContext newContext() {
        BrowserContext context = chromium.browser().newContext();
        contexts.add(context);
        return context;
    }

    /** A new tab, whose script errors count as problems. */
    private Page page(BrowserContext context) {
        Page page = ChatPage.watched(context.newPage(), problems);
        page.setDefaultTimeout(WAIT.toMillis());
        return page;
    }

    /** Waits until the user has a realtime socket on exactly one Directus, and returns which. */
    private int awaitSocket(String userId) {
        List<List<Integer>> seen = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            List<Integer> on = cluster.directusOf(userId);
            seen.add(on);
            return on.size() == 1;
        });
        return seen.get(seen.size() - 1).get(0);
    }

    /**
     * Sends a unique text and waits until the text box is empty again, which it is only after a 204 (stored in
     * Directus); returns the text.
     */
    private static String sendAndAwaitAccepted(Page page, String text) {
        String unique = text + " " + UUID.randomUUID();
        ChatPage.send(page, unique);
        assertThat(page.getByLabel("Message", ChatPage.EXACT)).hasValue("");
        return unique;
    }

    /** Each text is on the page exactly once, in the order given (the order the messages were created in). */
    private static void assertOnce(Page page, String... texts) {
        List<String> shown = page.locator("#messages li.message").allInnerTexts();
        int previous = -1;
        for (String text : texts) {
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).contains(text)) {
                    at.add(i);
                }
            }
            assertThat(at).as("positions of '%s'", text).hasSize(1);
            assertThat(at.get(0)).as("position of '%s'", text).isGreaterThan(previous);
            previous = at.get(0);
        }
    }
}
