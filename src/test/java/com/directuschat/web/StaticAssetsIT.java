package com.directuschat.web;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.SseConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Scripts and styles are compressed and kept by the browser; pages, fragments and the event stream are neither. */
@DirectusTest
class StaticAssetsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/(?:js|css|webjars)/[^\"]+)\"");
    private static final Pattern HASHED_JS = Pattern.compile("/js/chat-[0-9a-f]{32}\\.js");
    private static final Pattern HASHED_CSS = Pattern.compile("/css/chat-[0-9a-f]{32}\\.css");

    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pagesLinkContentHashedAssetsThatAreImmutableWhilePagesAreNotStored() throws Exception {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = alice.get("/login");
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        HttpResponse<String> page = alice.get("/");

        List<String> assets = assets(page.body());
        assertThat(assets).isEqualTo(assets(login.body()));
        assertThat(assets)
                .anyMatch(a -> HASHED_JS.matcher(a).matches())
                .anyMatch(a -> HASHED_CSS.matcher(a).matches())
                .anyMatch(a -> a.matches("/js/mentions-[0-9a-f]{32}\\.js"))
                .contains("/webjars/htmx.org/2.0.10/dist/htmx.min.js", "/webjars/htmx-ext-sse/2.2.2/sse.js")
                .hasSize(5);
        for (String asset : assets) {
            HttpResponse<byte[]> response = get(asset, Map.of());
            assertThat(response.statusCode()).as(asset).isEqualTo(200);
            assertThat(response.headers().firstValue("Cache-Control"))
                    .as(asset)
                    .hasValue("max-age=31536000, public, immutable");
            assertThat(response.headers().firstValue("Pragma").orElse(""))
                    .as(asset)
                    .isEmpty();
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .as(asset)
                    .hasValue(SecurityConfig.CONTENT_SECURITY_POLICY);
        }

        // The plain name serves the same file, revalidated each time; a stale hash is not served at all.
        String hashedJs = assets.stream()
                .filter(a -> HASHED_JS.matcher(a).matches())
                .findFirst()
                .orElseThrow();
        HttpResponse<byte[]> plain = get("/js/chat.js", Map.of());
        assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(plain.body()).isEqualTo(get(hashedJs, Map.of()).body());
        HttpResponse<byte[]> stale = get("/js/chat-0123456789abcdef0123456789abcdef.js", Map.of());
        assertThat(stale.statusCode()).isEqualTo(404);
        assertThat(stale.headers().firstValue("Cache-Control").orElse("")).doesNotContain("immutable");

        for (HttpResponse<String> html : List.of(
                login,
                page,
                alice.get("/messages?before=999999999", Map.of("HX-Request", "true")),
                alice.get("/no-such-page"))) {
            assertThat(html.headers().firstValue("Cache-Control"))
                    .as(html.uri().toString())
                    .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        }
    }

    @Test
    void bigScriptsAreGzippedForBrowsersThatAcceptIt() throws Exception {
        for (String script : List.of("/webjars/htmx.org/2.0.10/dist/htmx.min.js", "/js/chat.js", "/css/chat.css")) {
            HttpResponse<byte[]> identity = get(script, Map.of());
            HttpResponse<byte[]> gzipped = get(script, Map.of("Accept-Encoding", "gzip"));

            assertThat(identity.headers().firstValue("Content-Encoding"))
                    .as(script)
                    .isEmpty();
            assertThat(gzipped.headers().firstValue("Content-Encoding"))
                    .as(script)
                    .hasValue("gzip");
            assertThat(gunzip(gzipped.body())).as(script).isEqualTo(identity.body());
            assertThat(gzipped.body().length).as(script).isLessThan(identity.body().length / 2);
        }
    }

    @Test
    void theEventStreamIsNeverCompressedAndStillStreams() {
        ChatClient alice = new ChatClient("http://127.0.0.1:" + port);
        alice.login(ALICE_EMAIL, ALICE_PASSWORD);
        alice.get("/");
        try (SseConnection stream =
                alice.streamAt("/messages/stream", "since=0", null, Map.of("Accept-Encoding", "gzip, deflate, br"))) {
            stream.await(e -> "status".equals(e.name()), WAIT);
            assertThat(stream.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(stream.headers().firstValue("Content-Encoding")).isEmpty();

            // A message sent now arrives while the stream stays open: nothing holds events back.
            String marker = "streamed " + UUID.randomUUID();
            alice.sendMessage(marker);
            stream.await(e -> e.isMessage() && e.data().contains(marker), WAIT);
            assertThat(stream.ended()).isFalse();
        }
    }

    private static List<String> assets(String html) {
        List<String> found = new ArrayList<>();
        Matcher matcher = ASSET.matcher(html);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
