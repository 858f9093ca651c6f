package com.directuschat.directus;

import com.directuschat.directus.DirectusRows.Data;
import com.directuschat.directus.DirectusRows.Errors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.modulith.NamedInterface;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The one HTTP client for Directus's REST API, as a user, an admin or anonymously: Spring's {@link RestClient} on the
 * JDK client, HTTP/1.1 only, answers unwrapped from {@code {"data": …}}, every failure a {@link DirectusException}.
 * A failed GET is retried once; nothing else is, because it may have reached Directus (a message posted twice, a
 * rotated refresh token replayed, which logs the user out). The race a retry used to cover, Node closing an idle
 * keep-alive connection after 5 s just as we reuse it, is prevented instead: pooled connections are dropped sooner
 * ({@link KeepAlive}).
 */
@NamedInterface("rest")
public final class DirectusRest {

    static {
        // Too late if another HttpClient came first; main applies them before anything else.
        KeepAlive.apply();
        ClientBuffers.apply();
    }

    /** A connection that takes longer will not come: fail fast even where answers may take long (provisioning). */
    private static final Duration MAX_CONNECT = Duration.ofSeconds(10);

    private final RestClient rest;
    private final URI url;

    private DirectusRest(RestClient rest, URI url) {
        this.rest = rest;
        this.url = url;
    }

    /** On Boot's builder (observations, customizers); a bean of the app. {@code timeout}: of connecting and answering. */
    public static DirectusRest create(RestClient.Builder builder, URI url, Duration timeout) {
        // HTTP/1.1 only: an h2c upgrade header would be taken by Directus's WebSocket upgrade handler and hang.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(MAX_CONNECT) < 0 ? timeout : MAX_CONNECT)
                .executor(ThreadPools.httpClients())
                .build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(timeout);
        String base = url.toString();
        URI trimmed = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        RestClient rest = builder.baseUrl(trimmed)
                .requestFactory(requests)
                .configureMessageConverters(converters ->
                        converters.withJsonConverter(new JacksonJsonHttpMessageConverter(DirectusJson.MAPPER)))
                .defaultHeaders(headers -> headers.setAccept(java.util.List.of(MediaType.APPLICATION_JSON)))
                .defaultStatusHandler(status -> status.isError(), DirectusRest::refusal)
                .build();
        return new DirectusRest(rest, trimmed);
    }

    /** Outside an application context (the provisioning command, the local Directus runner, tests). */
    public static DirectusRest create(String url, Duration timeout) {
        return create(RestClient.builder(), URI.create(url), timeout);
    }

    public URI url() {
        return url;
    }

    /** GET {@code uri}'s {@code data} as {@code type}, retried once when the connection broke. */
    public <T> T get(String token, Function<UriBuilder, URI> uri, ParameterizedTypeReference<T> type) {
        return call(HttpMethod.GET, token, uri, null, type);
    }

    /** POST, PATCH or DELETE (a body is optional); never retried. Returns the answer's {@code data}, or null. */
    public <T> T send(
            HttpMethod method,
            String token,
            Function<UriBuilder, URI> uri,
            Object body,
            ParameterizedTypeReference<T> type) {
        return call(method, token, uri, body, type);
    }

    /** Any method, the answer's {@code data} as a tree (a missing node when there is none). */
    public JsonNode tree(HttpMethod method, String token, Function<UriBuilder, URI> uri, Object body) {
        JsonNode data = call(method, token, uri, body, new ParameterizedTypeReference<JsonNode>() {});
        return data == null ? DirectusJson.MAPPER.missingNode() : data;
    }

    private <T> T call(
            HttpMethod method,
            String token,
            Function<UriBuilder, URI> uri,
            Object body,
            ParameterizedTypeReference<T> type) {
        ParameterizedTypeReference<Data<T>> envelope = ParameterizedTypeReference.forType(
                ResolvableType.forClassWithGenerics(Data.class, ResolvableType.forType(type.getType()))
                        .getType());
        Supplier<Data<T>> exchange = () -> {
            RestClient.RequestBodySpec request = rest.method(method).uri(uri);
            if (token != null) {
                request.headers(headers -> headers.setBearerAuth(token));
            }
            if (body != null) {
                request.contentType(MediaType.APPLICATION_JSON).body(body);
            }
            return request.retrieve().body(envelope);
        };
        Data<T> answer;
        try {
            answer = retryingGet(method, exchange);
        } catch (ResourceAccessException e) {
            throw new DirectusException(
                    "Directus is unreachable at " + url + " ("
                            + (e.getCause() == null ? e : e.getCause())
                                    .getClass()
                                    .getSimpleName() + ")",
                    e);
        } catch (RestClientException e) {
            // A proxy's HTML error page, for example.
            throw new DirectusException(
                    502, "INVALID_RESPONSE", "Directus answered something unreadable: " + e.getMessage());
        }
        return answer == null ? null : answer.data();
    }

    private static <T> T retryingGet(HttpMethod method, Supplier<T> exchange) {
        try {
            return exchange.get();
        } catch (ResourceAccessException e) {
            if (!HttpMethod.GET.equals(method)
                    || !(e.getCause() instanceof IOException)
                    || e.getCause() instanceof HttpTimeoutException) {
                throw e;
            }
            return exchange.get();
        }
    }

    /** Directus's error code and message from its {@code errors} body, whatever the body is. */
    private static void refusal(HttpRequest request, ClientHttpResponse response) throws IOException {
        int status = response.getStatusCode().value();
        Errors.Error error = null;
        try {
            Errors errors = DirectusJson.MAPPER.readValue(response.getBody(), Errors.class);
            error = errors == null || errors.errors() == null || errors.errors().isEmpty()
                    ? null
                    : errors.errors().get(0);
        } catch (JacksonException e) {
            // not JSON: a proxy's error page
        }
        String code = error == null || error.extensions() == null
                ? null
                : error.extensions().code();
        String message = error == null ? null : error.message();
        throw new DirectusException(status, code, message != null ? message : "Directus answered HTTP " + status);
    }
}
