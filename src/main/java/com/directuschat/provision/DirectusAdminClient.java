package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusRest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.UriBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Directus's REST API with admin rights, for provisioning and test fixtures: schema answers are read as trees (their
 * shape is Directus's, not ours). Runs on the app's {@link DirectusRest}, so errors are {@link DirectusException}s
 * and only GETs are ever repeated.
 */
public final class DirectusAdminClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Long: one bulk POST /users hashes every new password (argon2), minutes for the test fixtures on a busy machine.
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    // One client (one JDK connection pool) per Directus: tests make an admin client per user and call.
    private static final Map<String, DirectusRest> BY_URL = new ConcurrentHashMap<>();

    private final DirectusRest rest;
    private final String token;

    private DirectusAdminClient(DirectusRest rest, String token) {
        this.rest = rest;
        this.token = token;
    }

    /** For any access token, unchecked (tests use it to act as a user). */
    public static DirectusAdminClient forToken(String url, String token) {
        return new DirectusAdminClient(BY_URL.computeIfAbsent(url, u -> DirectusRest.create(u, TIMEOUT)), token);
    }

    /** With a static admin token; checked at once with {@code GET /users/me}. */
    public static DirectusAdminClient withToken(String url, String token) {
        DirectusAdminClient client = forToken(url, token);
        try {
            client.get("/users/me?fields=id");
        } catch (DirectusException e) {
            throw refused(url, e);
        }
        return client;
    }

    /** Logs in with {@code POST /auth/login}. */
    public static DirectusAdminClient login(String url, String email, String password) {
        try {
            return forToken(url, accessToken(url, email, password));
        } catch (DirectusException e) {
            throw refused(url, e);
        }
    }

    /** An access token for any user, from {@code POST /auth/login}; a 401 is a {@link DirectusException}. */
    public static String accessToken(String url, String email, String password) {
        return forToken(url, null)
                .post("/auth/login", Map.of("email", email, "password", password))
                .path("access_token")
                .asString();
    }

    private static RuntimeException refused(String url, DirectusException e) {
        if (e.status() != 401 && e.status() != 400 && e.status() != 403) {
            return e;
        }
        return new ProvisionException("Directus refused the admin credentials at " + url + " (" + e.status() + " "
                + e.code() + "); check directus.admin-token or directus.admin-email/directus.admin-password");
    }

    public String url() {
        return rest.url().toString();
    }

    public String token() {
        return token;
    }

    public JsonNode get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    /** Empty when Directus says the item does not exist (it answers 403 for unknown collections). */
    public Optional<JsonNode> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (DirectusException e) {
            if (e.status() == 403 || e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public JsonNode post(String path, Object body) {
        return send(HttpMethod.POST, path, body);
    }

    public JsonNode patch(String path, Object body) {
        return send(HttpMethod.PATCH, path, body);
    }

    public void delete(String path) {
        send(HttpMethod.DELETE, path, null);
    }

    /**
     * All rows of {@code path} (a collection or system endpoint) that match {@code filter} (Directus's filter rules
     * as nested maps), with these {@code fields}.
     */
    public JsonNode rows(String path, String fields, Map<String, ?> filter) {
        String json = JSON.writeValueAsString(filter);
        return send(
                HttpMethod.GET,
                path,
                uri -> uri.path(path)
                        .queryParam("fields", fields)
                        .queryParam("filter", "{filter}")
                        .queryParam("limit", -1)
                        .build(json),
                null);
    }

    /** The answer's {@code data}; a refusal names the request, for the provisioning log. */
    private JsonNode send(HttpMethod method, String path, Object body) {
        return send(method, path, uri -> URI.create(rest.url() + path), body);
    }

    private JsonNode send(HttpMethod method, String path, Function<UriBuilder, URI> uri, Object body) {
        try {
            return rest.tree(method, token, uri, body);
        } catch (DirectusException e) {
            if (e.status() == 0) {
                throw e;
            }
            throw new DirectusException(
                    e.status(), e.code(), method + " " + path + " -> " + e.status() + ": " + e.getMessage());
        }
    }
}
