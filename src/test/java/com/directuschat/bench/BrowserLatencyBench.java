package com.directuschat.bench;

import com.directuschat.testsupport.AppProcess;
import com.directuschat.testsupport.Browsers;
import com.directuschat.testsupport.ChatPage;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import com.directuschat.testsupport.TestUsers;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Message latency as users see it, timed inside real Chromium pages: from Alice's form {@code submit} event to
 * the moment a MutationObserver in Bob's page sees the text. Two sides against the same Directus, alternated
 * ABBA by block: <b>directus-chat</b> (the packaged jar as its own process; htmx post, SSE, htmx swap) and
 * <b>direct</b> (src/test/resources/bench/direct.html: plain JS on one Directus WebSocket, as the seed tutorial
 * does, subscribed with the tutorial's fields {@code id, content, user_created.first_name}, opened under the Directus origin: see {@link #openDirect}). The timing script (bench/timing.js) is injected by Playwright, not served by the app.
 * Run: {@code ./mvnw -Pbench verify -Dit.test=BrowserLatencyBench [-Dbench.browser.blocks=3 -Dbench.browser.sends=50]}.
 * Prints a markdown table and appends it to target/bench-browser.md.
 */
class BrowserLatencyBench {

    private static final int BLOCKS = Integer.getInteger("bench.browser.blocks", 3);
    /** A p99 is reported only from this many samples on. */
    private static final int MIN_P99_SAMPLES = ScaleReport.MIN_P99_SAMPLES;
    /** Sends not counted after each side's pages are opened anew (fresh pages, fresh sockets). */
    private static final int BLOCK_WARMUP = Integer.getInteger("bench.browser.block-warmup", 5);

    private static final int SENDS = Integer.getInteger("bench.browser.sends", 50);
    private static final int WARMUP = Integer.getInteger("bench.browser.warmup", 20);
    private static final Duration PACE = Duration.ofMillis(Long.getLong("bench.browser.pace-ms", 200));
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STARTUP = Duration.ofSeconds(120);

    /** Chromium's flags from testsupport/Browsers, plus this one: see {@link #openDirect}. */
    private static final String NO_LNA = "--disable-features=LocalNetworkAccessChecks";

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private String browserVersion;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * One way of chatting: Alice's page sends, Bob's page receives. Its pages exist only while it is measured, so
     * the other side's readers are not subscribed meanwhile (the chat's users log out, which closes their Directus
     * sockets at once; the direct pages close theirs).
     */
    private static final class Side {
        final String name;
        final String[] parts;
        final java.util.function.Supplier<Page[]> open;
        final java.util.function.Consumer<Page[]> close;
        final List<Sample> samples = new ArrayList<>();
        final List<Double> blockMedians = new ArrayList<>();
        final long[] cpuNanos = new long[2];
        Page sender;
        Page receiver;

        Side(
                String name,
                String[] parts,
                java.util.function.Supplier<Page[]> open,
                java.util.function.Consumer<Page[]> close) {
            this.name = name;
            this.parts = parts;
            this.open = open;
            this.close = close;
        }

        String name() {
            return name;
        }

        String[] parts() {
            return parts;
        }

        Page sender() {
            return sender;
        }

        Page receiver() {
            return receiver;
        }

        List<Sample> samples() {
            return samples;
        }

        List<Double> blockMedians() {
            return blockMedians;
        }

        long[] cpuNanos() {
            return cpuNanos;
        }

        void openPages() {
            Page[] pages = open.get();
            sender = pages[0];
            receiver = pages[1];
        }

        void closePages() {
            close.accept(new Page[] {sender, receiver});
            sender.context().close();
            receiver.context().close();
        }
    }

    /** Milliseconds of one send: the whole way, its three parts, and until the sender may type again. */
    private record Sample(double total, double toSend, double sendToReceive, double receiveToDom, double senderDone) {}

    @Test
    void submitToReceiverDom() throws Exception {
        DirectusInstance directus = TestDirectus.shared();
        int appPort = TestDirectus.freePort();
        List<String> appArgs = List.of(
                "--server.port=" + appPort,
                "--directus.url=" + directus.url(),
                "--directus.local.enabled=false",
                "--logging.level.root=WARN",
                // Each block logs both users in anew (see Side): more logins than the default 5/min allows.
                "--chat.rate-limit.login-per-ip=1000",
                "--chat.rate-limit.login-per-email=1000");
        TestService.CHROMIUM.require();
        Process app = startApp(appArgs);
        try (Playwright playwright = Browsers.playwright()) {
            String appUrl = "http://127.0.0.1:" + appPort;
            awaitUp(app, appUrl + "/login");
            String timing = resource("timing.js");
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(Browsers.CHROMIUM)
                            .setHeadless(true)
                            .setArgs(List.of(
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--no-first-run",
                                    "--disable-quic",
                                    NO_LNA)));
            browserVersion = browser.version();

            Side chat = new Side(
                    "directus-chat",
                    new String[] {
                        "submit → POST start (XHR send)",
                        "POST start → receiver's SSE event",
                        "SSE event → receiver DOM"
                    },
                    () -> {
                        Page alice = page(browser, timing);
                        Page bob = page(browser, timing);
                        logIn(alice, appUrl, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
                        logIn(bob, appUrl, TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
                        return new Page[] {alice, bob};
                    },
                    pages -> {
                        for (Page page : pages) {
                            page.locator("form.logout button").click();
                            page.waitForURL(url -> url.contains("/login"));
                        }
                    });
            Side direct = new Side(
                    "direct",
                    new String[] {"submit → WS send", "WS send → receiver's WS message", "WS message → receiver DOM"},
                    () -> {
                        Page alice = page(browser, timing);
                        Page bob = page(browser, timing);
                        openDirect(alice, directus.url(), TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
                        openDirect(bob, directus.url(), TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
                        return new Page[] {alice, bob};
                    },
                    pages -> {});

            List<ProcessHandle> appProcess = List.of(app.toHandle());
            List<ProcessHandle> directusProcess =
                    directus.directus().process().map(List::of).orElse(List.of());
            for (Side side : List.of(chat, direct)) {
                side.openPages();
                run(side, WARMUP, null, appProcess, directusProcess);
                side.closePages();
            }
            for (int block = 0; block < BLOCKS; block++) {
                // ABBA: chat, direct, direct, chat, …
                for (Side side : block % 2 == 0 ? List.of(chat, direct) : List.of(direct, chat)) {
                    side.openPages();
                    run(side, BLOCK_WARMUP, null, appProcess, directusProcess);
                    run(side, SENDS, side.samples(), appProcess, directusProcess);
                    side.closePages();
                }
            }
            report(chat, direct, appArgs);
        } finally {
            stopApp(app);
        }
    }

    private void run(Side side, int sends, List<Sample> into, List<ProcessHandle> app, List<ProcessHandle> directus) {
        long appCpu = cpuNanos(app);
        long directusCpu = cpuNanos(directus);
        List<Sample> block = new ArrayList<>();
        long next = System.nanoTime();
        for (int i = 0; i < sends; i++) {
            // A fixed pace between sends (not a wait for a result): each send starts PACE after the previous one.
            for (long wait; (wait = next - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            next = System.nanoTime() + PACE.toNanos();
            String token =
                    "bench-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            Locator box = side.sender().locator("#content");
            box.fill(token);
            box.press("Enter");
            await(side, side.receiver(), token, "dom");
            await(side, side.sender(), token, "done");
            String error = side.sender().locator("#send-error").textContent().strip();
            if (!error.isEmpty()) {
                throw new IllegalStateException(side.name() + ": send refused: " + error);
            }
            Map<String, Double> s = marks(side.sender(), token);
            Map<String, Double> r = marks(side.receiver(), token);
            block.add(new Sample(
                    r.get("dom") - s.get("submit"),
                    s.get("send") - s.get("submit"),
                    r.get("recv") - s.get("send"),
                    r.get("dom") - r.get("recv"),
                    s.get("done") - s.get("submit")));
        }
        if (into != null) {
            into.addAll(block);
            side.blockMedians()
                    .add(stats("block", block.stream().map(Sample::total).toList())
                            .percentile(50));
            side.cpuNanos()[0] += cpuNanos(app) - appCpu;
            side.cpuNanos()[1] += cpuNanos(directus) - directusCpu;
        }
    }

    private static void await(Side side, Page page, String token, String kind) {
        Object reached = page.evaluate(
                "([t, k, ms]) => window.__bench.when(t, k, ms)", List.of(token, kind, (int) TIMEOUT.toMillis()));
        if (!Boolean.TRUE.equals(reached)) {
            throw new IllegalStateException(side.name() + ": " + token + " did not reach '" + kind + "' in " + TIMEOUT
                    + "; sender's error line: '"
                    + side.sender().locator("#send-error").textContent().strip()
                    + "', marks so far: sender " + side.sender().evaluate("t => window.__bench.take(t)", token)
                    + ", receiver " + side.receiver().evaluate("t => window.__bench.take(t)", token));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> marks(Page page, String token) {
        Map<String, Object> raw = (Map<String, Object>) page.evaluate("t => window.__bench.take(t)", token);
        Map<String, Double> marks = new LinkedHashMap<>();
        raw.forEach((k, v) -> marks.put(k, ((Number) v).doubleValue()));
        return marks;
    }

    private Page page(Browser browser, String timingScript) {
        BrowserContext context = browser.newContext();
        context.addInitScript(timingScript);
        return ChatPage.watched(context.newPage(), problems);
    }

    private static void logIn(Page page, String appUrl, String email, String password) {
        page.navigate(appUrl + "/login");
        ChatPage.submitLogin(page, email, password);
        page.locator("#connection-status .status-live").waitFor(new Locator.WaitForOptions().setTimeout(30_000));
    }

    /**
     * Opens the direct page as if Directus served it. Directus 12.4 refuses a WebSocket upgrade whose Origin is
     * neither its own host, its PUBLIC_URL nor (with CORS_ENABLED) in CORS_ORIGIN: a page on another origin gets a
     * 403 (the browser sees close code 1006). Rather than reconfigure the shared Directus, Playwright answers the
     * page's two requests under the Directus origin, then stops intercepting; the WebSocket goes to Directus itself.
     * A page answered by Playwright has no server address, so Chromium counts it as public and its Local Network
     * Access checks block a socket to 127.0.0.1 (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS): hence {@link #NO_LNA}.
     * It changes nothing for the chat's pages, which are loaded from 127.0.0.1 and only talk to 127.0.0.1.
     */
    private static void openDirect(Page page, String directusUrl, String email, String password) {
        page.context()
                .route(url -> url.matches(Pattern.quote(directusUrl) + "/bench-direct/direct\\.(html|js)"), route -> {
                    String name = route.request()
                            .url()
                            .substring(route.request().url().lastIndexOf('/') + 1);
                    route.fulfill(new Route.FulfillOptions()
                            .setStatus(200)
                            .setBody(resource(name))
                            .setContentType(
                                    (name.endsWith(".html") ? "text/html" : "text/javascript") + "; charset=utf-8"));
                });
        page.navigate(directusUrl + "/bench-direct/direct.html#ws="
                + enc(directusUrl.replaceFirst("^http", "ws") + "/websocket") + "&email=" + enc(email) + "&password="
                + enc(password));
        page.waitForFunction(
                "() => document.getElementById('status').textContent !== 'Connecting…'",
                null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        page.context().unrouteAll();
        String status = page.locator("#status").textContent();
        if (!"Connected".equals(status)) {
            throw new IllegalStateException("direct page did not connect to Directus: " + status);
        }
    }

    // --- the app as its own process, from the jar that `verify` packaged ---

    private static Process startApp(List<String> args) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(TestDirectus.TARGET)) {
            jar = files.filter(p -> p.getFileName().toString().matches("directus-chat-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no target/directus-chat-*.jar: run through `./mvnw -Pbench verify`"));
        }
        List<String> command =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(AppProcess.jvmArgs());
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        Path log = TestDirectus.TARGET.resolve("bench-browser-app.log");
        System.out.println("BrowserLatencyBench: starting " + String.join(" ", command) + " (log: " + log + ")");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private void awaitUp(Process app, String url) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            if (!app.isAlive()) {
                throw new IllegalStateException(
                        "the app exited with " + app.exitValue() + "; see target/bench-browser-app.log");
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app did not answer " + url + " within " + STARTUP);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private static void stopApp(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
    }

    /** CPU time of the processes and their descendants (Linux /proc, via ProcessHandle). */
    private static long cpuNanos(List<ProcessHandle> roots) {
        return roots.stream()
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .map(p -> p.info().totalCpuDuration())
                .flatMap(Optional::stream)
                .mapToLong(Duration::toNanos)
                .sum();
    }

    private static String resource(String name) {
        try (InputStream in = BrowserLatencyBench.class.getResourceAsStream("/bench/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource bench/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // --- report ---

    private static Stats stats(String name, List<Double> millis) {
        return Stats.of(
                name, millis.stream().map(ms -> Math.round(ms * 1_000_000)).toList());
    }

    private void report(Side chat, Side direct, List<String> appArgs) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append(String.format("## Browser latency: directus-chat vs direct to Directus (%s)%n%n", Instant.now()));
        out.append(BenchRun.header("BrowserLatencyBench", appArgs));
        out.append(String.format(
                "Java %s, %d cores, Chromium %s (headless, Playwright). %d blocks × %d sends per side, "
                        + "alternated ABBA by block, after %d warm-up sends per side; one send every %d ms, one in flight;"
                        + " p99 only from " + MIN_P99_SAMPLES + " samples on. "
                        + "Timed in the pages on performance.timeOrigin + performance.now(): from Alice's form submit "
                        + "event to a MutationObserver in Bob's page seeing the text.%n%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                browserVersion,
                BLOCKS,
                SENDS,
                WARMUP,
                PACE.toMillis()));
        out.append(
                "| submit → receiver DOM | direct (page ↔ Directus WS) | directus-chat | ratio |\n|---|---|---|---|\n");
        Stats d = stats("direct", direct.samples().stream().map(Sample::total).toList());
        Stats c = stats("chat", chat.samples().stream().map(Sample::total).toList());
        for (double p : new double[] {50, 95, 99}) {
            if (p == 99 && Math.min(d.millis().size(), c.millis().size()) < MIN_P99_SAMPLES) {
                out.append("| p99 | — (< " + MIN_P99_SAMPLES + " samples) | — | — |\n");
                continue;
            }
            out.append(String.format(
                    "| p%.0f | %.1f ms | %.1f ms | %.2f× |%n",
                    p, d.percentile(p), c.percentile(p), c.percentile(p) / d.percentile(p)));
        }
        out.append(String.format("| mean | %.1f ms | %.1f ms | %.2f× |%n%n", d.mean(), c.mean(), c.mean() / d.mean()));
        for (Side side : List.of(chat, direct)) {
            out.append(String.format("Parts, %s (each part's own percentiles; they do not add up):%n%n", side.name()));
            out.append("| part | p50 | p95 | p99 |\n|---|---|---|---|\n");
            List<List<Double>> parts = List.of(
                    side.samples().stream().map(Sample::toSend).toList(),
                    side.samples().stream().map(Sample::sendToReceive).toList(),
                    side.samples().stream().map(Sample::receiveToDom).toList(),
                    side.samples().stream().map(Sample::senderDone).toList());
            String[] names = {
                side.parts()[0],
                side.parts()[1],
                side.parts()[2],
                "(submit → sender may type again: "
                        + (side == chat
                                ? "POST answered, form swapped and settled, incl. htmx's " + "20 ms settle delay"
                                : "create reply received")
                        + ")"
            };
            for (int i = 0; i < parts.size(); i++) {
                Stats s = stats(names[i], parts.get(i));
                out.append(String.format(
                        "| %s | %.1f ms | %.1f ms | %s |%n",
                        names[i],
                        s.percentile(50),
                        s.percentile(95),
                        s.millis().size() >= MIN_P99_SAMPLES ? String.format("%.1f ms", s.percentile(99)) : "—"));
            }
            out.append('\n');
        }
        int n = chat.samples().size();
        out.append(String.format(
                "Medians per block (directus-chat / direct): %s / %s ms%n%n",
                fmt(chat.blockMedians()), fmt(direct.blockMedians())));
        out.append(String.format(
                "CPU per measured send, during each side's blocks (only the measured side's pages are open "
                        + "and subscribed; the chat's users log out between blocks): app process %.1f ms (chat) / %.1f ms "
                        + "(direct), Directus %.1f ms (chat) / %.1f ms (direct).%n%n",
                chat.cpuNanos()[0] / 1e6 / n,
                direct.cpuNanos()[0] / 1e6 / direct.samples().size(),
                chat.cpuNanos()[1] / 1e6 / n,
                direct.cpuNanos()[1] / 1e6 / direct.samples().size()));
        out.append("Settings: the app runs as `java -jar target/directus-chat-*.jar ")
                .append(String.join(" ", appArgs))
                .append("` (JVM options: ")
                .append(AppProcess.jvmArgs().isEmpty() ? "none" : String.join(" ", AppProcess.jvmArgs()))
                .append(
                        "; login limits raised because each block logs in anew; send limits at their defaults: 5 sends/s, burst 20). Chromium: the flags of "
                                + "testsupport/Browsers plus `" + NO_LNA
                                + "` (a page answered by Playwright counts as public, and "
                                + "Chromium would block its socket to 127.0.0.1). No CSP bypass: the timing script is a Playwright init "
                                + "script. The direct page is answered by Playwright under the Directus origin, because Directus refuses "
                                + "WebSockets from other origins unless CORS_ENABLED/CORS_ORIGIN allow them, and uses only the "
                                + "WebSocket. Directus at its test defaults. Sends: fill `#content`, press Enter.\n");
        if (!problems.isEmpty()) {
            out.append("\nPage problems seen: ").append(problems).append('\n');
        }
        out.append('\n');
        System.out.println("\n" + out);
        Files.writeString(
                TestDirectus.TARGET.resolve("bench-browser.md"),
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static String fmt(List<Double> values) {
        return String.join(
                ", ", values.stream().map(v -> String.format("%.1f", v)).toList());
    }
}
