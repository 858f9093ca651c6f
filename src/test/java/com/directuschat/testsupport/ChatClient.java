package com.directuschat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client that uses our app the way a browser does: forms with CSRF tokens,
 * htmx posts, event streams. Every response is kept, for secret scans.
 */
public final class ChatClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String baseUrl;
    private final CookieManager cookies;
    private final HttpClient http;
    private final List<HttpResponse<String>> responses = new ArrayList<>();
    private final List<SseConnection> streams = new ArrayList<>();
    private String csrf;

    /** A client of the chat on this port (127.0.0.1), logged in through the login form. */
    public static ChatClient loggedIn(int port, String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        client.login(email, password);
        return client;
    }

    public ChatClient(String baseUrl) {
        this(baseUrl, new CookieManager(), null);
    }

    private ChatClient(String baseUrl, CookieManager cookies, String csrf) {
        this.baseUrl = baseUrl;
        this.cookies = cookies;
        this.csrf = csrf;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    /** A GET with extra headers, e.g. X-Forwarded-For. */
    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        HttpResponse<String> response = send(request);
        Matcher matcher = CSRF.matcher(response.body());
        if (matcher.find()) {
            csrf = matcher.group(1);
        }
        return response;
    }

    /** Logs in through the login form; returns the POST's response (a redirect). */
    public HttpResponse<String> login(String email, String password) {
        get("/login");
        return postForm("/login", Map.of("email", email, "password", password), false);
    }

    public HttpResponse<String> logout() {
        return postForm("/logout", Map.of(), false);
    }

    /** Posts a message as htmx does. */
    public HttpResponse<String> sendMessage(String content) {
        return postForm("/messages", Map.of("content", content), true);
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields, boolean htmx) {
        return postForm(path, fields, htmx, Map.of());
    }

    /** A form post with extra headers, e.g. X-Forwarded-For. */
    public HttpResponse<String> postForm(
            String path, Map<String, String> fields, boolean htmx, Map<String, String> headers) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        if (csrf != null) {
            form.put("_csrf", csrf);
        }
        return postRaw(path, encode(form), htmx, headers);
    }

    public HttpResponse<String> postRaw(String path, String body, boolean htmx) {
        return postRaw(path, body, htmx, Map.of());
    }

    public HttpResponse<String> postRaw(String path, String body, boolean htmx, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        if (htmx) {
            request.header("HX-Request", "true");
        }
        return send(request);
    }

    public SseConnection stream(String query, String lastEventId) {
        return streamAt("/messages/stream", query, lastEventId);
    }

    /** The stream at {@code path}, e.g. {@code /rooms/dev/stream}. */
    public SseConnection streamAt(String path, String query, String lastEventId) {
        return streamAt(path, query, lastEventId, Map.of());
    }

    /** The stream at {@code path} with extra request headers, e.g. Accept-Encoding. */
    public SseConnection streamAt(String path, String query, String lastEventId, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path + (query == null ? "" : "?" + query)))
                .header("Accept", "text/event-stream")
                .GET();
        headers.forEach(request::header);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            SseConnection connection = new SseConnection(response);
            streams.add(connection);
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same browser talking to another server (another instance behind a balancer): its cookies, which are
     * not per port, and its page's CSRF token.
     */
    public ChatClient sameBrowserAt(String otherBaseUrl) {
        return new ChatClient(otherBaseUrl, cookies, csrf);
    }

    public String sessionId() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    public List<HttpCookie> cookies() {
        return cookies.getCookieStore().getCookies();
    }

    public String csrf() {
        return csrf;
    }

    /** Every header, body and cookie this client has received, and every stream's raw bytes. */
    public String everythingReceived() {
        StringBuilder all = new StringBuilder();
        for (HttpResponse<String> response : responses) {
            all.append(response.headers().map())
                    .append('\n')
                    .append(response.body())
                    .append('\n');
        }
        streams.forEach(stream -> all.append(stream.raw()));
        cookies().forEach(cookie -> all.append(cookie).append('\n'));
        return all.toString();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            responses.add(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** {@code PATCH} with a form body, as htmx sends it, with the page's CSRF token as header (as chat.js adds it). */
    public HttpResponse<String> patchForm(String path, Map<String, String> fields) {
        return write("PATCH", path, encode(fields), true);
    }

    /** {@code DELETE}, as htmx sends it, with the page's CSRF token as header. */
    public HttpResponse<String> delete(String path) {
        return write("DELETE", path, null, true);
    }

    /** Any method on {@code path}, without a body, with these headers only (a {@code HEAD}, say). */
    public HttpResponse<String> exchange(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return send(request);
    }

    /** A write as htmx sends it; {@code withCsrf} false leaves the token out (a forged request). */
    public HttpResponse<String> write(String method, String path, String formBody, boolean withCsrf) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("HX-Request", "true")
                .method(
                        method,
                        formBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(formBody));
        if (formBody != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (withCsrf && csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        return send(request);
    }
}
