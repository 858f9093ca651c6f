package com.directuschat.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser-like login to our app over a shared {@link HttpClient} (the session cookie is kept by hand,
 * so thousands of sessions need no client, and no thread, each). Its event stream is parsed line by line as
 * the bytes arrive, on the client's few executor threads.
 */
final class AppSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SINCE = Pattern.compile("since=(\\d+)");
    private static final Pattern SESSION_COOKIE = Pattern.compile("^JSESSIONID=([^;]+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String baseUrl;
    private String cookie;
    private String csrf;
    private long since;
    private Stream stream;

    AppSession(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    /** The login form, as a browser fills it. Null, or why it failed. */
    String login(String email, String password) {
        get("/login");
        HttpResponse<String> posted = post("/login", Map.of("email", email, "password", password), false);
        String location = posted.headers().firstValue("Location").orElse("");
        if (posted.statusCode() != 302 || location.contains("error")) {
            return "POST /login answered " + posted.statusCode() + " " + location.replaceFirst("^.*/login", "/login");
        }
        return null;
    }

    /** The chat page after login (new CSRF token, newest id). Null, or why it failed. */
    String openPage() {
        HttpResponse<String> page = get("/");
        Matcher newest = SINCE.matcher(page.body());
        if (page.statusCode() != 200 || !newest.find()) {
            return "GET / after login answered " + page.statusCode();
        }
        since = Long.parseLong(newest.group(1));
        return null;
    }

    /** An htmx post of one message; the status code. */
    int send(String content) {
        return post("/messages", Map.of("content", content), true).statusCode();
    }

    int logout() {
        return post("/logout", Map.of(), false).statusCode();
    }

    /**
     * A stream opened later starts at {@code id} when that is newer than what the page showed, as a tab opened
     * now would: it is not replayed what was sent since the login.
     */
    void skipTo(long id) {
        since = Math.max(since, id);
    }

    /** Opens the event stream from the newest id the page showed (or {@link #skipTo} gave). */
    Stream openStream(Receipts receipts, Map<String, Long> idsByContent) {
        stream = new Stream(receipts, idsByContent);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/messages/stream?since=" + since))
                .header("Accept", "text/event-stream")
                .header("Cookie", "JSESSIONID=" + cookie)
                .GET()
                .build();
        http.sendAsync(request, info -> {
                    stream.status = info.statusCode();
                    return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
                })
                .whenComplete((response, error) -> stream.end());
        return stream;
    }

    Stream stream() {
        return stream;
    }

    private HttpResponse<String> get(String path) {
        return exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    private HttpResponse<String> post(String path, Map<String, String> fields, boolean htmx) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("_csrf", csrf);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (htmx) {
            request.header("HX-Request", "true");
        }
        return exchange(request);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        if (cookie != null) {
            request.header("Cookie", "JSESSIONID=" + cookie);
        }
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                Matcher session = SESSION_COOKIE.matcher(setCookie);
                if (session.find()) {
                    cookie = session.group(1);
                }
            }
            Matcher token = CSRF.matcher(response.body());
            if (token.find()) {
                csrf = token.group(1);
            }
            return response;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open event stream: message events go into the receipts, keyed by their SSE id. */
    static final class Stream implements Flow.Subscriber<String> {

        private static final Pattern CONTENT = Pattern.compile("<p class=\"content\">([^<]*)</p>");
        private static final Pattern DATA_ID = Pattern.compile("data-id=\"(\\d+)\"");

        final CompletableFuture<Void> connected = new CompletableFuture<>();
        private final Receipts receipts;
        private final Map<String, Long> idsByContent;
        private final StringBuilder data = new StringBuilder();
        private volatile Flow.Subscription subscription;
        private volatile int status;
        private volatile boolean ended;
        private volatile boolean closedByUs;
        private String id;
        private String event;

        Stream(Receipts receipts, Map<String, Long> idsByContent) {
            this.receipts = receipts;
            this.idsByContent = idsByContent;
        }

        int status() {
            return status;
        }

        /** Ended though we did not close it (server closed, error, refused). */
        boolean endedUnexpectedly() {
            return ended && !closedByUs;
        }

        void close() {
            closedByUs = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        void end() {
            ended = true;
            connected.completeExceptionally(new IllegalStateException("stream ended, status " + status));
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                dispatch(System.nanoTime());
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }

        private void dispatch(long now) {
            Matcher dataId = "message".equals(event) ? DATA_ID.matcher(data) : null;
            if (dataId != null && dataId.find()) {
                // The event's id: line is the tab's position; the message's own id is in its HTML.
                long messageId = Long.parseLong(dataId.group(1));
                receipts.arrived(messageId, now);
                Matcher content = CONTENT.matcher(data);
                if (content.find()) {
                    idsByContent.putIfAbsent(content.group(1), messageId);
                }
            } else if ("status".equals(event) && data.indexOf("Connected") >= 0) {
                connected.complete(null);
            }
            id = null;
            event = null;
            data.setLength(0);
        }

        @Override
        public void onError(Throwable error) {
            end();
        }

        @Override
        public void onComplete() {
            end();
        }
    }
}
