package com.directuschat.bench;

import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The send path alone, as Alice against the shared test Directus: (a) REST {@code POST /items/messages} with a
 * Bearer token over one kept-alive HTTP/1.1 connection, versus (b) an {@code items} create over an already
 * authenticated Directus WebSocket, waiting for the reply frame with the same uid. One request in flight;
 * each round runs both, the order swapped every round. Also prints a reply frame and how errors look on each
 * path. Run: {@code ./mvnw -Pbench verify -Dit.test=SendPathBench [-Dbench.sendpath.rounds=200]}.
 */
class SendPathBench {

    static {
        // Node closes idle keep-alive connections after 5 s; the JDK would keep them for 30 s (JDK 17: 1200 s)
        // and could then send on a closed one. The pool reads this once per JVM, so it only takes effect if no
        // HttpClient connection was pooled before (this bench alone, or first); the loop never idles anyway.
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "3");
        }
    }

    private static final int WARMUP = 20;
    private static final int ROUNDS = Integer.getInteger("bench.sendpath.rounds", 200);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String FIELDS = "id,content,date_created,user_created.first_name,user_created.last_name";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void restVersusWebSocketCreate() throws Exception {
        String directus = TestDirectus.shared().url();
        String aliceToken = TestDirectus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        StringBuilder out = new StringBuilder();

        try (Ws ws = Ws.authenticated(http, directus, aliceToken)) {
            List<Long> rest = new ArrayList<>();
            List<Long> socket = new ArrayList<>();
            String sampleReply = null;
            String sampleRest = null;
            for (int i = 0; i < WARMUP + ROUNDS; i++) {
                for (int leg = 0; leg < 2; leg++) {
                    boolean restLeg = (leg == 0) == (i % 2 == 0);
                    String text = "sendpath " + (restLeg ? "rest " : "ws ") + UUID.randomUUID();
                    long start = System.nanoTime();
                    if (restLeg) {
                        HttpResponse<String> response = restCreate(directus, aliceToken, Map.of("content", text));
                        long took = System.nanoTime() - start;
                        check(
                                response.statusCode() == 200 && response.body().contains(text),
                                "REST create failed: " + response.statusCode() + " " + response.body());
                        sampleRest = response.body();
                        if (i >= WARMUP) {
                            rest.add(took);
                        }
                    } else {
                        JsonNode reply = ws.call(createFrame(Map.of("content", text)));
                        long took = System.nanoTime() - start;
                        check(
                                !"error".equals(reply.path("status").asString())
                                        && reply.path("data")
                                                .path("content")
                                                .asString()
                                                .equals(text),
                                "WS create failed: " + reply);
                        sampleReply = reply.toString();
                        if (i >= WARMUP) {
                            socket.add(took);
                        }
                    }
                }
            }
            Stats restStats = Stats.of("REST", rest);
            Stats wsStats = Stats.of("WS", socket);
            out.append(String.format("## Send path: REST create vs WebSocket create (%s)%n%n", Instant.now()));
            out.append(BenchRun.header("SendPathBench", List.of()));
            out.append(String.format(
                    "Java %s, %d cores, %d rounds (+%d warm-up) per path, alternated, one in flight; "
                            + "jdk.httpclient.keepalive.timeout=%s (the JDK reads it once per JVM: it applies when this bench runs alone "
                            + "or first; the loop never idles, so a pooled connection is never near Node's 5 s). Time from send to the answer (REST: response body read; "
                            + "WS: reply frame with the same uid parsed).%n%n",
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    ROUNDS,
                    WARMUP,
                    System.getProperty("jdk.httpclient.keepalive.timeout")));
            out.append("| path | p50 | p95 | p99 | mean |\n|---|---|---|---|---|\n");
            for (Stats s : List.of(restStats, wsStats)) {
                out.append(String.format(
                        "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
                        s.name().equals("REST")
                                ? "REST `POST /items/messages?fields=…` (HTTP/1.1 keep-alive, Bearer)"
                                : "WebSocket `items` create, reply by uid",
                        s.percentile(50),
                        s.percentile(95),
                        s.percentile(99),
                        s.mean()));
            }
            out.append(String.format(
                    "%nWS/REST ratio: p50 %.2f×, p95 %.2f×, p99 %.2f×%n%n",
                    wsStats.percentile(50) / restStats.percentile(50),
                    wsStats.percentile(95) / restStats.percentile(95),
                    wsStats.percentile(99) / restStats.percentile(99)));
            out.append("Reply frame of a WS create:\n\n    ")
                    .append(sampleReply)
                    .append("\n\n");
            out.append("REST response body of a create:\n\n    ")
                    .append(sampleRest)
                    .append("\n\n");

            out.append("Errors, REST (status + body) and WS (reply frame):\n\n");
            Map<String, Map<String, Object>> badData = new LinkedHashMap<>();
            badData.put("empty content", Map.of("content", ""));
            badData.put("unknown field", Map.of("content", "x", "no_such_field", 1));
            badData.put("wrong type for id", Map.of("id", "not-a-number", "content", "x"));
            for (var bad : badData.entrySet()) {
                HttpResponse<String> r = restCreate(directus, aliceToken, bad.getValue());
                out.append(String.format("- %s, REST: `%d %s`%n", bad.getKey(), r.statusCode(), r.body()));
                out.append(String.format("- %s, WS: `%s`%n", bad.getKey(), ws.probe(createFrame(bad.getValue()))));
            }
            HttpResponse<String> wrongCollection = exchange(
                    directus + "/items/directus_roles", aliceToken, JSON.writeValueAsString(Map.of("name", "x")));
            out.append(String.format(
                    "- forbidden (create in directus_roles), REST: `%d %s`%n",
                    wrongCollection.statusCode(), wrongCollection.body()));
            Map<String, Object> roleFrame = new LinkedHashMap<>();
            roleFrame.put("type", "items");
            roleFrame.put("action", "create");
            roleFrame.put("collection", "directus_roles");
            roleFrame.put("data", Map.of("name", "x"));
            roleFrame.put("uid", UUID.randomUUID().toString());
            out.append(String.format("- forbidden (create in directus_roles), WS: `%s`%n", ws.probe(roleFrame)));
        }
        String noAccess = TestDirectus.loginToken(TestUsers.NOACCESS_EMAIL, TestUsers.NOACCESS_PASSWORD);
        HttpResponse<String> r = restCreate(directus, noAccess, Map.of("content", "x"));
        out.append(String.format(
                "- forbidden (user without the Chat users role), REST: `%d %s`%n", r.statusCode(), r.body()));
        try (Ws ws = Ws.authenticated(http, directus, noAccess)) {
            out.append(String.format(
                    "- forbidden (user without the Chat users role), WS: `%s`%n",
                    ws.probe(createFrame(Map.of("content", "x")))));
        }
        try (Ws ws = Ws.open(http, directus)) {
            out.append(String.format(
                    "- not authenticated (create before auth), WS: `%s`%n",
                    ws.probe(createFrame(Map.of("content", "x")))));
        }
        out.append('\n');

        System.out.println("\n" + out);
        Files.createDirectories(TestDirectus.TARGET);
        Files.writeString(
                TestDirectus.TARGET.resolve("bench-sendpath.md"),
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static Map<String, Object> createFrame(Map<String, Object> data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "items");
        frame.put("action", "create");
        frame.put("collection", "messages");
        frame.put("data", data);
        frame.put("query", Map.of("fields", FIELDS.split(",")));
        frame.put("uid", UUID.randomUUID().toString());
        return frame;
    }

    private HttpResponse<String> restCreate(String directus, String token, Map<String, Object> data) {
        return exchange(directus + "/items/messages?fields=" + FIELDS, token, JSON.writeValueAsString(data));
    }

    private HttpResponse<String> exchange(String url, String token, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    /** A Directus realtime socket that answers pings and completes calls by uid. */
    static final class Ws implements WebSocket.Listener, AutoCloseable {

        private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final CompletableFuture<JsonNode> auth = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final List<String> unmatched = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile String closed;
        private volatile boolean awaitingAuth;
        private WebSocket socket;

        static Ws open(HttpClient http, String directusUrl) throws Exception {
            Ws ws = new Ws();
            ws.socket = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(directusUrl.replaceFirst("^http", "ws") + "/websocket"), ws)
                    .get(15, TimeUnit.SECONDS);
            return ws;
        }

        static Ws authenticated(HttpClient http, String directusUrl, String token) throws Exception {
            Ws ws = open(http, directusUrl);
            ws.awaitingAuth = true;
            ws.socket
                    .sendText(JSON.writeValueAsString(Map.of("type", "auth", "access_token", token)), true)
                    .join();
            JsonNode reply = ws.auth.get(15, TimeUnit.SECONDS);
            check("ok".equals(reply.path("status").asString()), "WS auth failed: " + reply);
            return ws;
        }

        /** Sends a frame carrying a "uid" and returns the reply with that uid. */
        JsonNode call(Map<String, Object> frame) throws Exception {
            return call(frame, TIMEOUT);
        }

        JsonNode call(Map<String, Object> frame, Duration timeout) throws Exception {
            String uid = (String) frame.get("uid");
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(uid, reply);
            socket.sendText(JSON.writeValueAsString(frame), true);
            try {
                return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(
                        "no reply in " + timeout.toSeconds() + " s to uid " + uid + "; other frames: " + unmatched
                                + (closed == null ? "" : "; socket closed: " + closed),
                        e);
            } finally {
                pending.remove(uid);
            }
        }

        /** A call for the error report: its reply, or what happened instead. */
        String probe(Map<String, Object> frame) {
            try {
                return call(frame, Duration.ofSeconds(5)).toString();
            } catch (Exception e) {
                return e.getMessage();
            }
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode frame = JSON.readTree(partial.toString());
                partial.setLength(0);
                String type = frame.path("type").asString();
                CompletableFuture<JsonNode> waiting =
                        pending.get(frame.path("uid").asString());
                if ("ping".equals(type)) {
                    ws.sendText("{\"type\":\"pong\"}", true);
                } else if ("auth".equals(type) && awaitingAuth) {
                    awaitingAuth = false;
                    auth.complete(frame);
                } else if (waiting != null) {
                    waiting.complete(frame);
                } else if (frame.has("error") && pending.size() == 1) {
                    // An error frame without our uid (e.g. refused before the message was read) answers the call.
                    pending.values().forEach(f -> f.complete(frame));
                } else {
                    unmatched.add(frame.toString());
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed = statusCode + " " + reason;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            auth.completeExceptionally(error);
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
