package com.directuschat.bench;

import com.directuschat.provision.DirectusAdminClient;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the guard flow (issue 18) adds to a write: the same writes with the flow active and inactive, in blocks
 * alternated ABBA, on the shared test Directus (SQLite, Core licence). Three writes per round, all as Alice: (1) a
 * send through the chat ({@code POST /messages} with htmx, timed to the answer), (2) a REST create straight to
 * Directus, and (3) a REST edit of her own message (the flow's script and ownership read). The chat runs in this
 * JVM with {@code chat.rate-limit.send-burst=100000} and {@code chat.rate-limit.sends=100000} (the bench sends
 * faster than the default limits allow); nothing else is changed. Run:
 * {@code ./mvnw -Pbench verify -Dit.test=GuardFlowBench [-Dbench.guard.rounds=100 -Dbench.guard.blocks=4]}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.rate-limit.send-burst=100000", "chat.rate-limit.sends=100000"})
class GuardFlowBench {

    private static final int ROUNDS = Integer.getInteger("bench.guard.rounds", 100);
    private static final int BLOCKS = Integer.getInteger("bench.guard.blocks", 4);
    private static final int WARMUP = 20;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        registry.add("directus.url", () -> TestDirectus.shared().url());
        registry.add("directus.local.enabled", () -> "false");
    }

    @LocalServerPort
    int port;

    @Test
    void sendWithAndWithoutTheGuardFlow() throws Exception {
        String url = TestDirectus.shared().url();
        DirectusAdminClient admin = TestDirectus.adminClient(url);
        String flow = admin.rows("/flows", "id", Map.of("name", Map.of("_eq", "directus-chat guard")))
                .get(0)
                .path("id")
                .asString();
        String token = TestDirectus.loginToken(url, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        alice.get("/");
        long own = DirectusRest.createMessage(url, token, "guard bench, edited in place");

        Map<String, List<Long>> samples = new LinkedHashMap<>();
        try {
            for (int block = 0; block < BLOCKS; block++) {
                boolean on = block % 4 == 0 || block % 4 == 3; // ABBA
                admin.patch("/flows/" + flow, Map.of("status", on ? "active" : "inactive"));
                String side = on ? "with the flow" : "without";
                for (int i = 0; i < WARMUP + ROUNDS; i++) {
                    String text = "guard bench " + UUID.randomUUID();
                    long start = System.nanoTime();
                    HttpResponse<String> sent = alice.sendMessage(text);
                    long send = System.nanoTime() - start;
                    check(sent.statusCode() < 300, "send: " + sent.statusCode() + " " + sent.body());
                    start = System.nanoTime();
                    DirectusRest.createMessage(url, token, text);
                    long create = System.nanoTime() - start;
                    start = System.nanoTime();
                    DirectusRest.call(
                            url,
                            "PATCH",
                            "/items/messages/" + own + "?fields=id",
                            token,
                            "{\"content\":\"" + text + "\"}");
                    long edit = System.nanoTime() - start;
                    if (i >= WARMUP) {
                        samples.computeIfAbsent("chat send, " + side, k -> new ArrayList<>())
                                .add(send);
                        samples.computeIfAbsent("REST create, " + side, k -> new ArrayList<>())
                                .add(create);
                        samples.computeIfAbsent("REST edit of own message, " + side, k -> new ArrayList<>())
                                .add(edit);
                    }
                }
            }
        } finally {
            admin.patch("/flows/" + flow, Map.of("status", "active"));
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format("## Guard flow: writes with and without it (%s)%n%n", Instant.now()));
        out.append(BenchRun.header(
                "GuardFlowBench", List.of("chat.rate-limit.send-burst=100000", "chat.rate-limit.sends=100000")));
        out.append(String.format(
                "Java %s, %d cores; %d blocks alternated ABBA, %d rounds each (+%d warm-up after each switch), one"
                        + " request in flight; chat.rate-limit.send-burst and sends = 100000.%n%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                BLOCKS,
                ROUNDS,
                WARMUP));
        out.append("| write | n | p50 | p95 | mean |\n|---|---|---|---|---|\n");
        samples.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Stats stats = Stats.of(entry.getKey(), entry.getValue());
            out.append(String.format(
                    "| %s | %d | %.1f ms | %.1f ms | %.1f ms |%n",
                    entry.getKey(), entry.getValue().size(), stats.percentile(50), stats.percentile(95), stats.mean()));
        });
        for (String write : List.of("chat send", "REST create", "REST edit of own message")) {
            Stats with = Stats.of(write, samples.get(write + ", with the flow"));
            Stats without = Stats.of(write, samples.get(write + ", without"));
            out.append(String.format(
                    "%n%s: p50 with / without = %.2f×", write, with.percentile(50) / without.percentile(50)));
        }
        out.append("\n\n");
        System.out.println("\n" + out);
        Files.createDirectories(TestDirectus.TARGET);
        Files.writeString(
                TestDirectus.TARGET.resolve("bench-guard.md"),
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
