package com.directuschat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.directuschat.testsupport.Nginx;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TestService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nginx, filled in as the nginx image fills it, is a configuration nginx accepts ({@code nginx -t} of
 * Debian's nginx), and says what docs/deploy.md promises: no buffering and a long read timeout on the SSE streams,
 * the X-Forwarded-* headers, sockets to the Directus instance with the fewest.
 */
class NginxTemplatesTest {

    private static final Map<String, String> VARIABLES = Map.of(
            "CHAT_LISTEN",
            "18080",
            "CHAT_1",
            "chat-1:8080",
            "CHAT_2",
            "chat-2:8080",
            "DIRECTUS_LISTEN",
            "18055",
            "DIRECTUS_1",
            "directus-1:8055",
            "DIRECTUS_2",
            "directus-2:8055");

    @Test
    @Requires(TestService.NGINX)
    void filledTemplatesPassNginxsOwnCheck(@TempDir Path dir) throws Exception {
        // Addresses rather than compose's host names: nginx -t resolves them, and these resolve anywhere.
        Map<String, String> local = Map.of(
                "CHAT_LISTEN",
                "18080",
                "CHAT_1",
                "127.0.0.1:18081",
                "CHAT_2",
                "127.0.0.1:18082",
                "DIRECTUS_LISTEN",
                "18055",
                "DIRECTUS_1",
                "127.0.0.1:18056",
                "DIRECTUS_2",
                "127.0.0.1:18057");
        Path conf = Nginx.writeConfig(dir.resolve("nginx"), local);
        Process check = new ProcessBuilder(
                        Nginx.BINARY.toString(),
                        "-t",
                        "-p",
                        conf.getParent().toString(),
                        "-c",
                        conf.toString(),
                        "-e",
                        conf.resolveSibling("error.log").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("test is successful");
    }

    @Test
    void theChatConfigurationStreamsSseUnbufferedAndForwardsTheClient() throws Exception {
        String chat = Nginx.fill(Files.readString(Nginx.TEMPLATES.resolve("chat.conf.template")), VARIABLES);
        String sse = location(chat, "location ~ ^/(messages|rooms/[^/]+)/stream$");
        assertThat(sse).contains("proxy_buffering off;").contains("proxy_read_timeout 1h;");
        assertThat("/rooms/general/stream").matches("^/(messages|rooms/[^/]+)/stream$");
        assertThat("/messages/stream").matches("^/(messages|rooms/[^/]+)/stream$");
        assertThat(chat)
                .contains(
                        "server chat-1:8080",
                        "server chat-2:8080",
                        "listen 18080;",
                        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                        "proxy_set_header X-Forwarded-Proto $scheme;",
                        "proxy_set_header X-Forwarded-Port $chat_forwarded_port;")
                .doesNotContain("ip_hash");
        assertThat(withoutComments(chat)).doesNotContain("sticky", "hash ");
        assertThat(location(chat, "location /actuator/")).contains("return 404;");
    }

    @Test
    void theDirectusConfigurationSpreadsSocketsByCount() throws Exception {
        String directus = Nginx.fill(Files.readString(Nginx.TEMPLATES.resolve("directus.conf.template")), VARIABLES);
        String realtime = directus.substring(directus.indexOf("upstream directus_realtime"));
        assertThat(realtime.substring(0, realtime.indexOf('}')))
                .contains("least_conn;", "zone ", "server directus-1:8055", "server directus-2:8055");
        assertThat(location(directus, "location = /websocket"))
                .contains("proxy_pass http://directus_realtime;", "proxy_set_header Upgrade $http_upgrade;");
        assertThat(location(directus, "location / ")).contains("proxy_pass http://directus_rest;");
    }

    /** Each proxied socket holds two connections: 2,000 realtime sockets need 4,000 and more. */
    @Test
    void theDeployedWorkersHoldThousandsOfSockets() {
        assertThat(Nginx.WORKER_CONNECTIONS).isGreaterThanOrEqualTo(4_000);
    }

    @Test
    void aVariableWithoutAValueIsAnError() {
        assertThatThrownBy(() -> Nginx.fill("listen ${CHAT_LISTEN}; server ${NOPE};", VARIABLES))
                .hasMessageContaining("${NOPE}");
        assertThat(Nginx.fill("proxy_set_header Host $http_host; listen ${CHAT_LISTEN};", VARIABLES))
                .isEqualTo("proxy_set_header Host $http_host; listen 18080;");
    }

    private static String withoutComments(String conf) {
        return conf.lines().map(line -> line.replaceAll("#.*", "")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The block that starts with {@code start} (no nested blocks in ours). */
    private static String location(String conf, String start) {
        int from = conf.indexOf(start);
        assertThat(from).as(start).isNotNegative();
        return conf.substring(from, conf.indexOf('}', from));
    }
}
