package com.directuschat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to Directus directly, as another client would: the "outside world" of our tests. */
public final class DirectusRest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private DirectusRest() {}

    /** Creates a message as the user holding {@code token}; returns its id. */
    public static long createMessage(String directusUrl, String token, String content) {
        JsonNode body = call(
                directusUrl,
                "POST",
                "/items/messages",
                token,
                JSON.writeValueAsString(java.util.Map.of("content", content)));
        return body.path("data").path("id").asLong();
    }

    /** Creates the messages (each a map of fields: content, room…) in one request; returns their ids in order. */
    public static java.util.List<Long> createMessages(
            String directusUrl, String token, java.util.List<? extends java.util.Map<String, ?>> items) {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        call(directusUrl, "POST", "/items/messages", token, JSON.writeValueAsString(items))
                .path("data")
                .forEach(item -> ids.add(item.path("id").asLong()));
        if (ids.size() != items.size()) {
            throw new IllegalStateException("Directus created " + ids.size() + " of " + items.size() + " messages");
        }
        return ids;
    }

    /**
     * Creates a message with the id given, as the admin: one below ids already committed, as a slow transaction
     * commits on PostgreSQL. Directus refuses a chosen message id from everyone (field validation, see ChatSchema),
     * so the validation is taken off for this one create and put back as it was.
     */
    public static void createMessageWithId(String directusUrl, String adminToken, long id, String content) {
        String validation = call(directusUrl, "GET", "/fields/messages/id", adminToken, null)
                .path("data")
                .path("meta")
                .path("validation")
                .toString();
        call(directusUrl, "PATCH", "/fields/messages/id", adminToken, "{\"meta\":{\"validation\":null}}");
        try {
            call(
                    directusUrl,
                    "POST",
                    "/items/messages",
                    adminToken,
                    JSON.writeValueAsString(java.util.Map.of("id", id, "content", content)));
        } finally {
            call(
                    directusUrl,
                    "PATCH",
                    "/fields/messages/id",
                    adminToken,
                    "{\"meta\":{\"validation\":" + validation + "}}");
        }
    }

    /** Status code of {@code POST /auth/refresh} with this refresh token: 200 while it lives. */
    public static int refreshStatus(String directusUrl, String refreshToken) {
        return status(
                directusUrl,
                "POST",
                "/auth/refresh",
                null,
                JSON.writeValueAsString(java.util.Map.of("refresh_token", refreshToken, "mode", "json")));
    }

    public static JsonNode call(String directusUrl, String method, String path, String token, String json) {
        HttpResponse<String> response = exchange(directusUrl, method, path, token, json);
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    public static int status(String directusUrl, String method, String path, String token, String json) {
        return exchange(directusUrl, method, path, token, json).statusCode();
    }

    private static HttpResponse<String> exchange(
            String directusUrl, String method, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(directusUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
