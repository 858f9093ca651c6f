package com.directuschat.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain HTTP in front of a real Directus, for tests of an answer that goes wrong at one step: every request is passed
 * on as it is, except those to a path made to fail, which get a 503 as from a proxy whose upstream is away. It notes
 * the refresh tokens Directus issues, so that a test can ask Directus afterwards whether they were revoked.
 */
public final class DirectusRelay implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> PASSED_HEADERS = List.of("Authorization", "Content-Type", "Accept");

    private final String target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<String> issuedRefreshTokens = new CopyOnWriteArrayList<>();

    public DirectusRelay(String targetUrl) throws IOException {
        this.target = targetUrl.replaceAll("/$", "");
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::relay);
        server.setExecutor(threads);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests to exactly this path get a 503 until {@link #restore}. */
    public void fail(String path) {
        failing.add(path);
    }

    public void restore() {
        failing.clear();
    }

    /** The refresh tokens of the logins and refreshes that went through, oldest first. */
    public List<String> issuedRefreshTokens() {
        return List.copyOf(issuedRefreshTokens);
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (failing.contains(path)) {
                respond(
                        exchange,
                        503,
                        "application/json",
                        "{\"errors\":[{\"message\":\"Service Unavailable\"}]}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : PASSED_HEADERS) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if ((path.equals("/auth/login") || path.equals("/auth/refresh")) && response.statusCode() == 200) {
                JsonNode token = JSON.readTree(response.body()).path("data").path("refresh_token");
                if (token.isString()) {
                    issuedRefreshTokens.add(token.asString());
                }
            }
            respond(
                    exchange,
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
