package com.directuschat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Hostile values in every parameter of the chat's and the login's handlers (path ids and slugs, {@code before},
 * {@code after}, {@code around}, search's {@code q}, {@code since}, {@code page}, {@code Last-Event-ID}, the {@code tz} cookie, message texts, login fields), over
 * GET, HEAD, POST, PATCH and DELETE, as a logged-in demo user with the page's CSRF token. No answer may be a 5xx or
 * show internals, and nothing of it may create, change or delete a message.
 * <p>
 * Requests go over a raw socket, one connection each ({@code Connection: close}), so the request line and the headers
 * are exactly as written here (raw bytes, what {@link java.net.URI} would refuse) and an event stream that opens is
 * simply closed after its status line.
 */
@DirectusTest
class ParameterFuzzIT {

    private static final String EMAIL = TestUsers.userEmail(16);

    /** Message ids in the path: none of them is one. */
    private static final List<String> IDS = List.of(
            "-1",
            "0",
            "9007199254740992",
            "9007199254740993",
            "99999999999999999999",
            "1e3",
            "1.0",
            "0x10",
            "abc",
            "%00",
            "1%00",
            "%20",
            "%7Bx%7D",
            "%EF%BC%91",
            "%ED%A0%80",
            "%FF",
            "9".repeat(1_000),
            "9".repeat(20_000));

    /** Room addresses (slugs): none of them is a room. */
    private static final List<String> SLUGS = List.of(
            "%7Bx%7D",
            "%7B%7D",
            "..%2F",
            "..%2F..%2Fetc",
            "%2E%2E",
            "..",
            "x%3B",
            "gr%C3%BC%C3%9Fe",
            "grüße",
            "%F0%9F%98%80",
            "%00",
            "general%00",
            "General",
            "-general",
            "%20",
            "a".repeat(300),
            "a".repeat(20_000),
            "%ED%A0%80",
            "%FF",
            "%25");

    /** Values of {@code before} and {@code since}. */
    private static final List<String> POSITIONS = List.of(
            "-1",
            "0",
            "9007199254740993",
            "99999999999999999999",
            "1e3",
            "abc",
            "%00",
            "",
            "%20",
            "1%0D%0Aevent:%20x",
            "%7Bx%7D",
            "%EF%BC%91",
            "%ED%A0%80",
            "%FF",
            "1&before=2&since=3",
            "9".repeat(5_000));

    /** Search texts ({@code q}), raw in the query string: LIKE's wildcards, quotes, broken encodings, huge ones. */
    private static final List<String> QUERIES = List.of(
            "",
            "%",
            "%25",
            "%25%25",
            "__",
            "%5C",
            "a%5C",
            "%22quoted%22",
            "%27%3B%20drop",
            "%7Bx%7D",
            "ab%00",
            "%ED%A0%80%ED%A0%80",
            "%FF%FE",
            "%F0%9F%98%80%F0%9F%98%80",
            "%3Cscript%3E",
            "ab%0D%0Acd",
            "a&q=b",
            "ab&q=cd",
            "x".repeat(5_000));

    /** {@code Last-Event-ID} headers, written as raw bytes. */
    private static final List<String> EVENT_IDS = List.of(
            "-1",
            "abc",
            "1e3",
            "9007199254740993",
            "99999999999999999999",
            "9".repeat(5_000),
            "é",
            "1\u00002",
            " ",
            "{x}");

    private static final List<String> PAGES =
            List.of("", "x".repeat(65), "../", "%00", "%3Cscript%3E", "%C3%A9", "a%20b", "%FF", "x".repeat(5_000));

    private static final List<String> TIME_ZONES =
            List.of("%", "%ZZ", "..%2F..%2Fetc", "%00", "Europe%2FNowhere", "x".repeat(5_000), "UTC%2B99");

    /** Form bodies of a send or an edit: none of them is a message to store. */
    private static final List<String> TEXTS = List.of(
            "",
            "content=",
            "content=%20%20%09%0A%0D",
            "content=%E3%80%80",
            "content=%E2%80%83%0A",
            "content=" + "x".repeat(100_000),
            "content=" + "x".repeat(2_001),
            "content=a%00b",
            "content=%00",
            "content=%ED%A0%80",
            "content=x%ED%B0%80x",
            "content=%C3%28",
            "content=%ZZ",
            "content=a&content=b",
            "contents=hello");

    @LocalServerPort
    int port;

    private ChatClient user;
    private String session;
    private String csrf;
    private String directus;
    private String adminToken;
    private final List<String> failures = new ArrayList<>();
    private int requests;

    @BeforeEach
    void logIn() {
        user = new ChatClient("http://127.0.0.1:" + port);
        assertThat(user.login(EMAIL, TestUsers.USER_PASSWORD).statusCode()).isEqualTo(302);
        assertThat(user.get("/").statusCode()).isEqualTo(200);
        session = user.sessionId();
        csrf = user.csrf();
        directus = TestDirectus.shared().url();
        adminToken = TestDirectus.adminToken();
    }

    @Test
    void noHostileValueInAnyParameterGetsA5xxOrChangesAMessage() {
        long own = DirectusRest.createMessage(
                directus, TestDirectus.loginToken(EMAIL, TestUsers.USER_PASSWORD), "fuzz target " + UUID.randomUUID());
        long others = DirectusRest.createMessage(
                directus,
                TestDirectus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD),
                "not yours " + UUID.randomUUID());
        Map<Long, String> before = messages();

        for (String id : IDS) {
            write("PATCH", "/messages/" + id, "content=fuzz%20edit");
            write("DELETE", "/messages/" + id, null);
            anyRequest("HEAD", "/messages/" + id, Map.of(), null);
            anyRequest("GET", "/messages/" + id, Map.of(), null);
        }
        for (String text : TEXTS) {
            write("PATCH", "/messages/" + own, text);
            write("POST", "/messages", text);
            plainPost("/messages", text);
            write("POST", "/rooms/dev/messages", text);
        }
        write("PATCH", "/messages/" + others, "content=taken%20over");
        write("DELETE", "/messages/" + others, null);

        String valid = "content=fuzz%20" + UUID.randomUUID();
        for (String slug : SLUGS) {
            for (String method : List.of("GET", "HEAD")) {
                anyRequest(method, "/rooms/" + slug, Map.of(), null);
                anyRequest(method, "/rooms/" + slug, Map.of("HX-Request", "true"), null);
                anyRequest(method, "/rooms/" + slug + "/messages?before=1", Map.of(), null);
                anyRequest(method, "/rooms/" + slug + "/messages?before=1", Map.of("HX-Request", "true"), null);
                stream(method, "/rooms/" + slug + "/stream?since=0", Map.of());
            }
            write("POST", "/rooms/" + slug + "/messages", valid);
            plainPost("/rooms/" + slug + "/messages", valid);
            write("POST", "/rooms/" + slug + "/messages", "content=");
            plainPost("/rooms/" + slug + "/messages", "content=");
            write("POST", "/rooms/" + slug + "/typing", null);
        }
        for (String text : TEXTS) {
            write("POST", "/typing", text);
            write("POST", "/rooms/general/typing", text);
        }

        for (String position : POSITIONS) {
            for (String path : List.of("/messages", "/rooms/general/messages")) {
                anyRequest("GET", path + "?before=" + position, Map.of("HX-Request", "true"), null);
                anyRequest("GET", path + "?before=" + position, Map.of(), null);
                anyRequest("HEAD", path + "?before=" + position, Map.of("HX-Request", "true"), null);
            }
            stream("GET", "/messages/stream?since=" + position, Map.of());
            stream("HEAD", "/rooms/general/stream?since=" + position, Map.of());
            anyRequest("GET", "/rooms/general/messages?after=" + position, Map.of("HX-Request", "true"), null);
            anyRequest("GET", "/rooms/general?around=" + position, Map.of(), null);
            anyRequest("GET", "/search?q=hello&before=" + position, Map.of(), null);
            anyRequest("GET", "/search?q=hello&before=" + position, Map.of("HX-Request", "true"), null);
        }
        for (String query : QUERIES) {
            anyRequest("GET", "/search?q=" + query, Map.of(), null);
            anyRequest("GET", "/search?q=" + query + "&before=5", Map.of("HX-Request", "true"), null);
        }
        for (String eventId : EVENT_IDS) {
            stream("GET", "/messages/stream", Map.of("Last-Event-ID", eventId));
            stream("GET", "/rooms/general/stream?since=5", Map.of("Last-Event-ID", eventId));
        }
        for (String page : PAGES) {
            stream("GET", "/messages/stream?since=0&page=" + page, Map.of());
            stream("GET", "/messages/stream?since=0&page=ok&page=" + page, Map.of());
        }
        for (String zone : TIME_ZONES) {
            Map<String, String> cookie = Map.of("Cookie", "JSESSIONID=" + session + "; tz=" + zone);
            anyRequest("GET", "/", cookie, null);
            anyRequest("GET", "/messages?before=100", withHtmx(cookie), null);
            stream("GET", "/messages/stream?since=0", cookie);
        }

        loginPage();
        anyRequest("GET", "/error", Map.of(), null);
        anyRequest("GET", "/error", Map.of("Accept", "text/html"), null);
        anyRequest("POST", "/error", Map.of("X-CSRF-TOKEN", csrf), "");

        assertThat(failures)
                .as("5xx answers (or internals shown) among %d hostile requests", requests)
                .isEmpty();
        Map<Long, String> after = messages();
        assertThat(after)
                .as("messages of the fuzzing user and the target messages")
                .isEqualTo(before);
        assertThat(after).containsKeys(own, others);
        assertThat(user.get("/").statusCode()).as("still logged in and served").isEqualTo(200);
    }

    /** The login page and the login itself, for a stranger (the fuzzing user's session is not touched). */
    private void loginPage() {
        ChatClient stranger = new ChatClient("http://127.0.0.1:" + port);
        stranger.get("/login");
        String strangerSession = stranger.sessionId();
        String strangerCsrf = stranger.csrf();
        Map<String, String> cookie = Map.of("Cookie", "JSESSIONID=" + strangerSession);
        for (String value : List.of("", "%00", "%7Bx%7D", "x".repeat(5_000), "%ED%A0%80", "CREDENTIALS", "otp")) {
            anyRequest("GET", "/login?error=" + value, Map.of(), null);
            anyRequest("GET", "/login?logout=" + value + "&expired=" + value, Map.of(), null);
        }
        for (String body : List.of(
                "",
                "email=&password=",
                "email=%00&password=%00",
                "email=" + "a".repeat(10_000) + "%40example.com&password=x",
                "email=%ED%A0%80&password=%ED%A0%80",
                "email=a%40example.com&email=b%40example.com&password=x",
                "email=%7Bx%7D&password=" + "p".repeat(60_000),
                "email=" + "x".repeat(100_000))) {
            Map<String, String> headers = new LinkedHashMap<>(cookie);
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            anyRequest("POST", "/login", headers, body + "&_csrf=" + strangerCsrf);
        }
    }

    private static Map<String, String> withHtmx(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("HX-Request", "true");
        return all;
    }

    /** A write as htmx sends it: session, CSRF header, a form body (null: none). */
    private void write(String method, String target, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("HX-Request", "true");
        headers.put("X-CSRF-TOKEN", csrf);
        if (body != null) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
        }
        anyRequest(method, target, headers, body);
    }

    /** A form post without htmx: the CSRF token in the body. */
    private void plainPost(String target, String body) {
        anyRequest(
                "POST",
                target,
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                body + (body.isEmpty() ? "" : "&") + "_csrf=" + csrf);
    }

    private void stream(String method, String target, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "text/event-stream");
        anyRequest(method, target, all, null);
    }

    /** One request with the fuzzing user's session (unless a Cookie header is given); records what is wrong. */
    private void anyRequest(String method, String target, Map<String, String> headers, String body) {
        requests++;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Cookie", "JSESSIONID=" + session);
        all.putAll(headers);
        String what = method + " " + abbreviate(target) + " " + abbreviate(headers.toString()) + " "
                + (body == null ? "" : abbreviate(body));
        Answer answer = exchange(method, target, all, body);
        if (answer.status() >= 500 || answer.status() < 100) {
            failures.add(what + " -> " + answer.status() + " " + abbreviate(answer.body()));
        } else if (answer.body().contains("Exception") || answer.body().contains("\tat ")) {
            failures.add(what + " -> internals: " + abbreviate(answer.body()));
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("[\\r\\n]+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "…(" + oneLine.length() + ")" : oneLine;
    }

    private record Answer(int status, String head, String body) {}

    /** The request as written (the target and headers as UTF-8 bytes); an event stream is left after its head. */
    private Answer exchange(String method, String target, Map<String, String> headers, String body) {
        byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (content != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (content != null) {
                try {
                    out.write(content);
                } catch (IOException closedEarly) {
                    // A server that refused the body already (413) may close before it is all written.
                }
            }
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String responseHead = readHead(in);
            int status = responseHead.length() >= 12 ? Integer.parseInt(responseHead.substring(9, 12)) : -1;
            boolean stream = responseHead.toLowerCase(Locale.ROOT).contains("content-type: text/event-stream");
            if ("HEAD".equals(method) || stream && status == 200) {
                return new Answer(status, responseHead, "");
            }
            return new Answer(status, responseHead, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + abbreviate(target), e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The fuzzing user's messages and every message changed lately, by id, with their text and last change. */
    private Map<Long, String> messages() {
        JsonNode data = DirectusRest.call(
                        directus,
                        "GET",
                        "/items/messages?limit=-1&sort=id&fields=id,content,date_updated,user_created.email"
                                + "&filter%5B_or%5D%5B0%5D%5Buser_created%5D%5Bemail%5D%5B_eq%5D=" + EMAIL
                                + "&filter%5B_or%5D%5B1%5D%5Bid%5D%5B_gte%5D=" + newestId(),
                        adminToken,
                        null)
                .path("data");
        Map<Long, String> messages = new LinkedHashMap<>();
        for (JsonNode message : data) {
            messages.put(
                    message.path("id").asLong(),
                    message.path("content").toString() + " | " + message.path("date_updated"));
        }
        return messages;
    }

    private long newestMark = -1;

    /** The newest message id when first asked: anything made after it shows up in the second snapshot. */
    private long newestId() {
        if (newestMark < 0) {
            JsonNode newest = DirectusRest.call(
                            directus, "GET", "/items/messages?sort=-id&limit=1&fields=id", adminToken, null)
                    .path("data");
            newestMark = newest.isEmpty() ? 0 : newest.get(0).path("id").asLong();
        }
        return newestMark;
    }
}
