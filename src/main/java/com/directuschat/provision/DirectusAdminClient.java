package com.directuschat.provision;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Minimal Directus REST client with admin rights, for provisioning and test fixtures. */
public final class DirectusAdminClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // HTTP/1.1 only: an h2c upgrade header would be taken by Directus' WebSocket upgrade handler and hang.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;
    private final String token;

    private DirectusAdminClient(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    /** For any access token, unchecked (tests use it to act as a user). */
    public static DirectusAdminClient forToken(String url, String token) {
        return new DirectusAdminClient(url, token);
    }

    /** With a static admin token; checked at once with {@code GET /users/me}. */
    public static DirectusAdminClient withToken(String url, String token) {
        DirectusAdminClient client = new DirectusAdminClient(url, token);
        try {
            client.get("/users/me?fields=id");
        } catch (DirectusApiException e) {
            throw refused(url, e);
        }
        return client;
    }

    /** Logs in with {@code POST /auth/login}. */
    public static DirectusAdminClient login(String url, String email, String password) {
        try {
            return new DirectusAdminClient(url, accessToken(url, email, password));
        } catch (DirectusApiException e) {
            throw refused(url, e);
        }
    }

    /** An access token for any user, from {@code POST /auth/login}; a 401 is a {@link DirectusApiException}. */
    public static String accessToken(String url, String email, String password) {
        DirectusAdminClient anonymous = new DirectusAdminClient(url, null);
        return anonymous.post("/auth/login", Map.of("email", email, "password", password))
                .path("access_token").asString();
    }

    private static RuntimeException refused(String url, DirectusApiException e) {
        if (e.status() != 401 && e.status() != 400 && e.status() != 403) {
            return e;
        }
        return new ProvisionException("Directus refused the admin credentials at " + url + " (" + e.status() + " "
                + e.code() + "); check directus.admin-token or directus.admin-email/directus.admin-password");
    }

    public String url() {
        return url;
    }

    public String token() {
        return token;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** Empty when Directus says the item does not exist (it answers 403 for unknown collections). */
    public Optional<JsonNode> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (DirectusApiException e) {
            if (e.status() == 403 || e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public void delete(String path) {
        send("DELETE", path, null);
    }

    /** {@code ?filter=<json>&limit=-1} for a filter given as nested maps. */
    public static String filter(Map<String, ?> filter) {
        return "filter=" + URLEncoder.encode(JSON.writeValueAsString(filter), StandardCharsets.UTF_8) + "&limit=-1";
    }

    private JsonNode send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                // Generous: creating users in one batch hashes every password (argon2), which takes minutes on a busy machine.
                .timeout(Duration.ofSeconds(180))
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProvisionException("Cannot reach Directus at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisionException("Interrupted while calling Directus at " + url, e);
        }
        JsonNode json = response.body().isBlank() ? JSON.missingNode() : parse(response);
        if (response.statusCode() >= 400) {
            JsonNode error = json.path("errors").path(0);
            throw new DirectusApiException(response.statusCode(), error.path("extensions").path("code").asString("?"),
                    method + " " + path + " -> " + response.statusCode() + ": " + error.path("message").asString(""));
        }
        return json.path("data");
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (RuntimeException e) {
            throw new DirectusApiException(response.statusCode(), "NOT_JSON",
                    "Directus answered " + response.statusCode() + " with non-JSON: "
                            + response.body().substring(0, Math.min(200, response.body().length())));
        }
    }
}
