package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "Chat users" permissions against a scripted Directus: licensed, it takes the author-only rule for updates and
 * deletes as given; unlicensed (RESOURCE_RESTRICTED for any field restriction or item filter, as Directus 12.4.0
 * answers), the rule and the field list are relaxed, fields first.
 */
class PermissionFallbackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpServer server;
    private final List<JsonNode> attempts = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private DirectusAdminClient directus(boolean licensed) throws IOException {
        return directus(licensed, null);
    }

    /** {@code licence}: the body of {@code GET /license}, or null for a Directus without it (404). */
    private DirectusAdminClient directus(boolean licensed, String licence) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/license") && licence != null) {
                answer(exchange, 200, licence);
            } else if ("GET".equals(exchange.getRequestMethod()) && path.equals("/policies")) {
                answer(exchange, 200, "{\"data\":[{\"id\":\"policy-1\"}]}");
            } else if ("GET".equals(exchange.getRequestMethod()) && path.equals("/permissions")) {
                answer(exchange, 200, "{\"data\":[]}");
            } else if ("POST".equals(exchange.getRequestMethod()) && path.equals("/permissions")) {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                attempts.add(body);
                boolean restricted = body.has("permissions")
                        || !"[\"*\"]".equals(body.path("fields").toString());
                if (restricted && !licensed) {
                    answer(
                            exchange,
                            403,
                            "{\"errors\":[{\"message\":\"Feature requires a license\","
                                    + "\"extensions\":{\"code\":\"RESOURCE_RESTRICTED\"}}]}");
                } else {
                    answer(exchange, 200, "{\"data\":{\"id\":" + attempts.size() + "}}");
                }
            } else {
                answer(
                        exchange,
                        404,
                        "{\"errors\":[{\"message\":\"no\",\"extensions\":{\"code\":\"ROUTE_NOT_FOUND\"}}]}");
            }
        });
        server.start();
        return DirectusAdminClient.forToken(
                "http://127.0.0.1:" + server.getAddress().getPort(), "admin-token");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private List<String> attemptsFor(String action) {
        return attempts.stream()
                .filter(a -> action.equals(a.path("action").asString())
                        && "messages".equals(a.path("collection").asString()))
                .map(a -> a.path("fields") + " "
                        + (a.has("permissions") ? a.path("permissions").toString() : "all items"))
                .toList();
    }

    @Test
    void licensedDirectusGetsTheAuthorOnlyRuleForUpdatesAndDeletes() throws IOException {
        new DirectusProvisioner(directus(true)).ensurePolicy("Chat users", DirectusProvisioner.CHAT_PERMISSIONS);
        String own = "{\"user_created\":{\"_eq\":\"$CURRENT_USER\"}}";
        assertThat(attemptsFor("update")).containsExactly("[\"content\"] " + own);
        assertThat(attemptsFor("delete")).containsExactly("[\"*\"] " + own);
        assertThat(attemptsFor("read")).hasSize(1); // no rule on reading messages
    }

    @Test
    void unlicensedDirectusGetsThemUnfilteredFieldsFirst() throws IOException {
        new DirectusProvisioner(directus(false)).ensurePolicy("Chat users", DirectusProvisioner.CHAT_PERMISSIONS);
        String own = "{\"user_created\":{\"_eq\":\"$CURRENT_USER\"}}";
        assertThat(attemptsFor("update"))
                .containsExactly("[\"content\"] " + own, "[\"*\"] " + own, "[\"*\"] all items");
        assertThat(attemptsFor("delete")).containsExactly("[\"*\"] " + own, "[\"*\"] all items");
        assertThat(attemptsFor("create")).containsExactly("[\"content\",\"room\"] all items", "[\"*\"] all items");
    }

    private static String licence(String entitlement) {
        return "{\"data\":{\"name\":\"Core\",\"entitlements\":{\"flows\":{\"limit\":5},"
                + "\"custom_permission_rules_enabled\":" + entitlement + "}}}";
    }

    @Test
    void theLicenceSaysWhetherPermissionRulesAreAllowed() throws IOException {
        assertThat(PermissionRules.of(directus(false, licence("{\"default\":false}"))))
                .isEqualTo(PermissionRules.REFUSED);
        stop();
        assertThat(PermissionRules.of(directus(true, licence("{\"default\":false,\"override\":true}"))))
                .isEqualTo(PermissionRules.ALLOWED);
        stop();
        assertThat(PermissionRules.of(directus(true, licence("{\"default\":true}"))))
                .isEqualTo(PermissionRules.ALLOWED);
        stop();
        assertThat(PermissionRules.of(directus(true, null))).isEqualTo(PermissionRules.UNKNOWN);
    }

    @Test
    void onCoreThePermissionsAreMadeWithoutRulesAtOnce() throws IOException {
        new ChatPolicy(directus(false), PermissionRules.REFUSED)
                .ensure("Chat users", DirectusProvisioner.CHAT_PERMISSIONS);
        assertThat(attemptsFor("update")).containsExactly("[\"*\"] all items");
        assertThat(attemptsFor("delete")).containsExactly("[\"*\"] all items");
        assertThat(attemptsFor("create")).containsExactly("[\"*\"] all items");
    }

    @Test
    void whereAllowedTheRulesAreMadeAsGiven() throws IOException {
        new ChatPolicy(directus(true), PermissionRules.ALLOWED)
                .ensure("Chat users", DirectusProvisioner.CHAT_PERMISSIONS);
        assertThat(attemptsFor("update"))
                .containsExactly("[\"content\"] {\"user_created\":{\"_eq\":\"$CURRENT_USER\"}}");
        assertThat(attemptsFor("create")).containsExactly("[\"content\",\"room\"] all items");
    }
}
