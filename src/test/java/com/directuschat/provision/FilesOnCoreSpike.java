package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spike for issue 20 (docs/adr/0004-chat-files-on-core.md): can chat users read chat files in {@code directus_files}
 * on the Core licence (no permission rules) without reading every other file? Asserts the facts the ADR relies on,
 * against a dedicated Directus 12.4.0: a filter flow on {@code files.query} limits listings and single reads, but not
 * {@code /assets} (bytes), nested reads or multipart replacements; with no read permission at all, Directus gives
 * chat users nothing, and a server-side account can serve what the app decides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesOnCoreSpike {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private DirectusInstance directus;
    private String url;
    private String admin;
    private String alice;
    private String bob;
    private String bobId;
    private String chatFolder;
    private String policy;
    /** In the chat folder, uploaded by Bob. */
    private String chatFile;
    /** In the root folder, uploaded by the admin, referenced by nothing: must stay unreadable to chat users. */
    private String secretFile;
    /** In the root folder, Bob's avatar. */
    private String avatarFile;

    private String flowId;
    private final List<String> permissionIds = new ArrayList<>();

    @BeforeAll
    void setUp() {
        directus = TestDirectus.dedicated(Map.of());
        url = directus.url();
        admin = directus.adminToken();
        alice = directus.loginToken(TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD);
        bob = directus.loginToken(TestUsers.BOB_EMAIL, TestUsers.BOB_PASSWORD);
        bobId = ok("GET", "/users/me?fields=id", bob, null).path("id").asString();
        chatFolder =
                ok("POST", "/folders", admin, Map.of("name", "chat")).path("id").asString();
        policy = ok("GET", "/policies?fields=id&filter[name][_eq]=" + enc(DirectusProvisioner.CHAT_USERS), admin, null)
                .get(0)
                .path("id")
                .asString();
        // The plain permissions Core allows: read, create and delete on every file (no rule can narrow them).
        for (String action : List.of("read", "create", "delete")) {
            grant(action);
        }

        secretFile = upload(admin, null, "secret.png", png(300, 200));
        avatarFile = upload(admin, null, "bob-avatar.png", png(64, 64));
        ok("PATCH", "/users/" + bobId, admin, Map.of("avatar", avatarFile));
        chatFile = upload(bob, chatFolder, "chat.png", png(800, 600));
        // A file field on rooms (which chat users read) pointing at the secret file: a nested read's path to it.
        ok(
                "POST",
                "/fields/rooms",
                admin,
                Map.of(
                        "field",
                        "spike_file",
                        "type",
                        "uuid",
                        "meta",
                        Map.of("special", List.of("file"), "interface", "file")));
        ok(
                "POST",
                "/relations",
                admin,
                Map.of("collection", "rooms", "field", "spike_file", "related_collection", "directus_files"));
        ok(
                "PATCH",
                "/items/rooms",
                admin,
                Map.of(
                        "query",
                        Map.of("filter", Map.of("slug", Map.of("_eq", "general"))),
                        "data",
                        Map.of("spike_file", secretFile)));
    }

    @AfterAll
    void tearDown() {
        if (directus != null) {
            directus.close();
        }
    }

    /** The licence refuses a rule on a files permission, as on every other collection. */
    @Test
    @Order(1)
    void coreRefusesAFolderRuleOnFilesPermissions() {
        Map<String, Object> rule = permission(policy, "directus_files", "read");
        rule.put("permissions", Map.of("folder", Map.of("_eq", chatFolder)));
        HttpResponse<byte[]> refused = send("POST", "/permissions", admin, rule);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(body(refused)).contains("RESOURCE_RESTRICTED");
    }

    /** Without any flow, a plain read permission opens every file: listing, metadata, bytes. */
    @Test
    @Order(2)
    void withoutTheFlowAPlainReadPermissionOpensEveryFile() {
        assertThat(ids(ok("GET", "/files?fields=id&limit=-1", alice, null))).contains(secretFile, avatarFile, chatFile);
        assertThat(send("GET", "/assets/" + secretFile, alice, null).statusCode())
                .isEqualTo(200);
    }

    /** The flow's returned query replaces the caller's; listings and reads by id obey it. */
    @Test
    @Order(3)
    void theQueryFlowLimitsListingsReadsByIdAndGraphQl() {
        installFlow(false);
        assertThat(ids(ok("GET", "/files?fields=id&limit=-1", alice, null))).containsExactly(chatFile);
        // The caller's own filter is kept (and-ed), search and aggregates go through it too.
        assertThat(ids(ok("GET", "/files?fields=id&filter[id][_eq]=" + secretFile, alice, null)))
                .isEmpty();
        assertThat(ok("GET", "/files?aggregate[count]=*", alice, null)
                        .get(0)
                        .path("count")
                        .asInt())
                .isEqualTo(1);
        assertThat(ids(ok("GET", "/files?fields=id&search=secret", alice, null)))
                .isEmpty();
        assertThat(send("GET", "/files/" + secretFile, alice, null).statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/files/" + chatFile, alice, null).statusCode()).isEqualTo(200);
        // GraphQL's system endpoint reads through the same service.
        String graphQl = body(send("POST", "/graphql/system", alice, Map.of("query", "{ files { id } }")));
        assertThat(graphQl).contains(chatFile).doesNotContain(secretFile, avatarFile);
        // Administrators are not limited.
        assertThat(ids(ok("GET", "/files?fields=id&limit=-1", admin, null))).contains(secretFile, chatFile);
    }

    /** The flow does not reach /assets: the bytes of any file whose id is known. */
    @Test
    @Order(4)
    void assetsIgnoreTheQueryFlow() {
        installFlow(false);
        HttpResponse<byte[]> secret = send("GET", "/assets/" + secretFile, alice, null);
        assertThat(secret.statusCode()).isEqualTo(200);
        assertThat(secret.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(send("GET", "/assets/" + secretFile + "?download", alice, null)
                        .statusCode())
                .isEqualTo(200);
        // ...with the token in the address too (what an <img> would use).
        assertThat(send("GET", "/assets/" + secretFile + "?access_token=" + alice, null, null)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> thumb =
                send("GET", "/assets/" + chatFile + "?width=200&height=200&fit=inside", alice, null);
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(image(thumb.body()).getWidth()).isEqualTo(200);
        assertThat(image(thumb.body()).getHeight()).isEqualTo(150);
        // A random id is a 403, like an unreadable one.
        assertThat(send("GET", "/assets/" + UUID.randomUUID(), alice, null).statusCode())
                .isEqualTo(403);
    }

    /** Nested reads through a relation skip files.query: metadata of the secret file, and filters on it. */
    @Test
    @Order(5)
    void nestedReadsIgnoreTheQueryFlow() {
        installFlow(false);
        JsonNode rooms = ok("GET", "/items/rooms?fields=slug,spike_file.id,spike_file.filename_download", alice, null);
        assertThat(rooms.toString()).contains(secretFile, "secret.png");
        assertThat(ok(
                                "GET",
                                "/items/rooms?fields=slug&filter[spike_file][filename_download][_eq]=secret.png",
                                alice,
                                null)
                        .size())
                .isEqualTo(1);
        assertThat(ok("GET", "/users/" + bobId + "?fields=avatar.filename_download", alice, null)
                        .toString())
                .contains("bob-avatar.png");
    }

    /** Avatars: $FOLLOW(directus_users,avatar) in the added filter lets users' avatars through, and nothing else. */
    @Test
    @Order(6)
    void theFlowCanAlsoAllowUsersAvatars() {
        installFlow(true);
        assertThat(ids(ok("GET", "/files?fields=id&limit=-1", alice, null)))
                .containsExactlyInAnyOrder(chatFile, avatarFile);
        assertThat(send("GET", "/files/" + avatarFile, alice, null).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/files/" + secretFile, alice, null).statusCode())
                .isEqualTo(403);
    }

    /**
     * Writes: files.update and files.delete are filter events the guard can refuse; a JSON create is too, but a
     * multipart upload or replacement is not (Directus creates and updates the row with events off).
     */
    @Test
    @Order(7)
    void theGuardCatchesJsonWritesButNotMultipartOnes() {
        installFlow(false);
        String grant = grant("update");
        try {
            assertThat(send("PATCH", "/files/" + chatFile, alice, Map.of("title", "pwned"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(send("PATCH", "/files/" + secretFile, alice, Map.of("folder", chatFolder))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(send("DELETE", "/files/" + chatFile, alice, null).statusCode())
                    .isEqualTo(403);
            assertThat(send(
                                    "POST",
                                    "/files",
                                    alice,
                                    Map.of("filename_download", "x.txt", "type", "text/plain", "storage", "local"))
                            .statusCode())
                    .isEqualTo(403);
            // Bob changes his own chat file.
            assertThat(send("PATCH", "/files/" + chatFile, bob, Map.of("title", "bob's"))
                            .statusCode())
                    .isEqualTo(200);

            // A multipart upload to a folder of her choice runs no files.create filter.
            String elsewhere = uploadStatusAndId(alice, null, "elsewhere.png", png(10, 10));
            assertThat(elsewhere).startsWith("204").doesNotContain("{");
            // A multipart replacement runs no files.update filter: the secret file moves into the chat folder.
            HttpResponse<byte[]> replaced =
                    multipart("PATCH", "/files/" + secretFile, alice, chatFolder, "moved.png", png(20, 20));
            // The guard's 403 comes from the JSON update the route runs afterwards, with the file already replaced.
            assertThat(replaced.statusCode()).isEqualTo(403);
            assertThat(image(send("GET", "/assets/" + secretFile, admin, null).body())
                            .getWidth())
                    .isEqualTo(20);
            JsonNode moved = ok("GET", "/files/" + secretFile + "?fields=folder,filename_download", admin, null);
            assertThat(moved.path("folder").asString()).isEqualTo(chatFolder);
            assertThat(ids(ok("GET", "/files?fields=id&limit=-1", alice, null))).contains(secretFile);
            // Put it back for the later tests.
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("folder", null);
            ok("PATCH", "/files/" + secretFile, admin, root);
        } finally {
            ok("DELETE", "/permissions/" + grant, admin, null);
            permissionIds.remove(grant);
        }
    }

    /** What the flow costs a read of bytes and a listing (printed; asserted only to be finite). */
    @Test
    @Order(8)
    void costOfTheFlow() {
        for (boolean withFlow : new boolean[] {false, true, false, true}) {
            if (withFlow) {
                installFlow(true);
            } else {
                removeFlow();
            }
            String asset = "/assets/" + chatFile;
            String list = "/files?fields=id,filename_download&limit=10";
            for (int i = 0; i < 20; i++) {
                send("GET", asset, alice, null);
                send("GET", list, alice, null);
            }
            long[] assetCost = timed(asset, 100);
            long[] listCost = timed(list, 100);
            System.out.printf(
                    "SPIKE cost flow=%s: 100 GET /assets %d ms wall, %d ms Directus CPU; 100 GET /files %d ms wall,"
                            + " %d ms Directus CPU%n",
                    withFlow, assetCost[0], assetCost[1], listCost[0], listCost[1]);
            assertThat(assetCost[0]).isPositive();
        }
    }

    /**
     * The alternative: with no read permission on files, Directus gives chat users nothing (listing, by id, bytes, nested); a
     * create-only permission uploads but answers 204 with no id; a server-side account reads what the app decides
     * to serve, and nothing limits it either.
     */
    @Test
    @Order(9)
    void withoutReadPermissionChatUsersGetNothingAndTheAppServes() {
        removeFlow();
        for (String id : List.copyOf(permissionIds)) {
            ok("DELETE", "/permissions/" + id, admin, null);
        }
        permissionIds.clear();

        assertThat(send("GET", "/files", alice, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/files/" + chatFile, alice, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/assets/" + chatFile, alice, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/assets/" + avatarFile, alice, null).statusCode())
                .isEqualTo(403);
        // Nested file fields are dropped, not refused: the answer has no file metadata.
        HttpResponse<byte[]> nestedRooms = send("GET", "/items/rooms?fields=spike_file.filename_download", alice, null);
        assertThat(nestedRooms.statusCode()).isEqualTo(200);
        assertThat(body(nestedRooms)).doesNotContain("secret.png", secretFile);
        HttpResponse<byte[]> nestedAvatar =
                send("GET", "/users/" + bobId + "?fields=avatar.filename_download", alice, null);
        assertThat(nestedAvatar.statusCode()).isEqualTo(200);
        assertThat(body(nestedAvatar)).doesNotContain("bob-avatar.png");
        assertThat(body(send("GET", "/users/" + bobId + "?fields=*.*", alice, null)))
                .doesNotContain("bob-avatar.png", avatarFile);
        // The id itself (the foreign key) stays readable when asked for by name: useless without the bytes.
        assertThat(ok("GET", "/users/" + bobId + "?fields=id,avatar", alice, null)
                        .path("avatar")
                        .asString())
                .isEqualTo(avatarFile);
        assertThat(body(send("POST", "/graphql/system", alice, Map.of("query", "{ files { id } }"))))
                .doesNotContain(chatFile);

        String createOnly = grant("create");
        assertThat(uploadStatusAndId(alice, chatFolder, "upload.png", png(10, 10)))
                .startsWith("204");
        // Without an update permission, a multipart replacement is refused and changes nothing.
        assertThat(multipart("PATCH", "/files/" + secretFile, alice, chatFolder, "moved.png", png(30, 30))
                        .statusCode())
                .isEqualTo(403);
        assertThat(ok("GET", "/files/" + secretFile + "?fields=folder", admin, null)
                        .path("folder")
                        .isNull())
                .isTrue();
        assertThat(image(send("GET", "/assets/" + secretFile, admin, null).body())
                        .getWidth())
                .isEqualTo(20);
        ok("DELETE", "/permissions/" + createOnly, admin, null);
        permissionIds.remove(createOnly);

        // The app's own account: a user with a static token and a policy that reads all files (Core: no rule).
        String servicePolicy = ok(
                        "POST",
                        "/policies",
                        admin,
                        Map.of("name", "Chat files service", "app_access", false, "admin_access", false))
                .path("id")
                .asString();
        for (String action : List.of("read", "create", "delete")) {
            grant(servicePolicy, "directus_files", action);
        }
        grant(servicePolicy, "directus_users", "read");
        String serviceToken = "spike-" + UUID.randomUUID();
        ok(
                "POST",
                "/users",
                admin,
                Map.of(
                        "email",
                        "chat-files@example.com",
                        "token",
                        serviceToken,
                        "policies",
                        List.of(Map.of("policy", servicePolicy))));
        // The app checks "in the chat folder, or some user's avatar" with one query, then streams the bytes.
        assertThat(ids(ok(
                        "GET",
                        "/files?fields=id&filter="
                                + enc(JSON.writeValueAsString(Map.of(
                                        "_and",
                                        List.of(
                                                Map.of("id", Map.of("_in", List.of(chatFile, avatarFile, secretFile))),
                                                Map.of(
                                                        "_or",
                                                        List.of(
                                                                Map.of("folder", Map.of("_eq", chatFolder)),
                                                                Map.of(
                                                                        "$FOLLOW(directus_users,avatar)",
                                                                        Map.of(
                                                                                "_some",
                                                                                Map.of(
                                                                                        "id",
                                                                                        Map.of("_nnull", true)))))))))),
                        serviceToken,
                        null)))
                .containsExactlyInAnyOrder(chatFile, avatarFile);
        assertThat(send("GET", "/assets/" + chatFile + "?width=200&height=200&fit=inside", serviceToken, null)
                        .statusCode())
                .isEqualTo(200);
        // ...and nothing stops the account itself from reading the rest: the app's check is the only one.
        assertThat(send("GET", "/assets/" + secretFile, serviceToken, null).statusCode())
                .isEqualTo(200);
    }

    // --- the flow

    private void installFlow(boolean avatars) {
        removeFlow();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("type", "filter");
        options.put("scope", List.of("files.query", "files.create", "files.update", "files.delete"));
        options.put("return", "check.replace");
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("name", "spike files guard");
        flow.put("status", "inactive");
        flow.put("trigger", "event");
        flow.put("accountability", null);
        flow.put("options", options);
        flowId = ok("POST", "/flows", admin, flow).path("id").asString();
        String refuseOwned = operation("refuse_owned", "throw-error", refusal(), null, null);
        String owned = operation("owned", "exec", Map.of("code", script("files-guard-owned.js")), null, refuseOwned);
        String refuseRead = operation("refuse_read", "throw-error", refusal(), null, null);
        String owners = operation(
                "owners",
                "item-read",
                Map.of("collection", "{{check.collection}}", "query", "{{check.query}}", "permissions", "$full"),
                owned,
                refuseRead);
        String needsRead = operation(
                "needs_read",
                "condition",
                Map.of("filter", Map.of("$last", Map.of("read", Map.of("_eq", false)))),
                null,
                owners);
        String refuseCheck = operation("refuse_check", "throw-error", refusal(), null, null);
        String check = operation(
                "check",
                "exec",
                Map.of(
                        "code",
                        script("files-guard-check.js")
                                .replace("__CHAT_FOLDER__", chatFolder)
                                .replace("__AVATARS__", Boolean.toString(avatars))),
                needsRead,
                refuseCheck);
        ok("PATCH", "/flows/" + flowId, admin, Map.of("operation", check, "status", "active"));
    }

    private void removeFlow() {
        if (flowId != null) {
            ok("DELETE", "/flows/" + flowId, admin, null);
            flowId = null;
        }
    }

    private String operation(String key, String type, Map<String, Object> options, String resolve, String reject) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("flow", flowId);
        row.put("key", key);
        row.put("name", key);
        row.put("type", type);
        row.put("options", options);
        row.put("position_x", 1);
        row.put("position_y", 1);
        row.put("resolve", resolve);
        row.put("reject", reject);
        return ok("POST", "/operations", admin, row).path("id").asString();
    }

    private static Map<String, Object> refusal() {
        return Map.of("code", "FORBIDDEN", "status", "403", "message", "{{$last.message}}");
    }

    private static String script(String name) {
        try (InputStream in = FilesOnCoreSpike.class.getResourceAsStream("/spike/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain permission for the chat users' policy on files (kept in {@link #permissionIds}). */
    private String grant(String action) {
        String id = grant(policy, "directus_files", action);
        permissionIds.add(id);
        return id;
    }

    private String grant(String policyId, String collection, String action) {
        return ok("POST", "/permissions", admin, permission(policyId, collection, action))
                .path("id")
                .asString();
    }

    /** All fields, no rule: all that Core takes. */
    private static Map<String, Object> permission(String policyId, String collection, String action) {
        Map<String, Object> permission = new LinkedHashMap<>();
        permission.put("policy", policyId);
        permission.put("collection", collection);
        permission.put("action", action);
        permission.put("fields", List.of("*"));
        return permission;
    }

    // --- measuring

    /** Wall time and Directus's CPU time (its process tree), in ms, of {@code n} sequential GETs as Alice. */
    private long[] timed(String path, int n) {
        long cpu = directusCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            assertThat(send("GET", path, alice, null).statusCode()).isEqualTo(200);
        }
        long wall = System.nanoTime() - start;
        return new long[] {wall / 1_000_000, (directusCpuNanos() - cpu) / 1_000_000};
    }

    private long directusCpuNanos() {
        ProcessHandle root = directus.directus().process().orElseThrow();
        long total = cpuNanos(root);
        for (ProcessHandle child : root.descendants().toList()) {
            total += cpuNanos(child);
        }
        return total;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    // --- HTTP

    private JsonNode ok(String method, String path, String token, Object body) {
        HttpResponse<byte[]> response = send(method, path, token, body);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + response.statusCode() + " " + body(response));
        }
        return response.body().length == 0
                ? JSON.nullNode()
                : JSON.readTree(response.body()).path("data");
    }

    private HttpResponse<byte[]> send(String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return exchange(request, token);
    }

    private String upload(String token, String folder, String name, byte[] bytes) {
        HttpResponse<byte[]> response = multipart("POST", "/files", token, folder, name, bytes);
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        return JSON.readTree(response.body()).path("data").path("id").asString();
    }

    private String uploadStatusAndId(String token, String folder, String name, byte[] bytes) {
        HttpResponse<byte[]> response = multipart("POST", "/files", token, folder, name, bytes);
        return response.statusCode() + " " + body(response);
    }

    /** A multipart upload (fields before the file, as Directus requires); a null folder leaves it to Directus. */
    private HttpResponse<byte[]> multipart(
            String method, String path, String token, String folder, String name, byte[] bytes) {
        String boundary = "spike" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        if (folder != null) {
            head.append("--").append(boundary).append("\r\n");
            head.append("Content-Disposition: form-data; name=\"folder\"\r\n\r\n")
                    .append(folder)
                    .append("\r\n");
        }
        head.append("--").append(boundary).append("\r\n");
        head.append("Content-Disposition: form-data; name=\"file\"; filename=\"")
                .append(name)
                .append("\"\r\n");
        head.append("Content-Type: image/png\r\n\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
        return exchange(request, token);
    }

    private static HttpResponse<byte[]> exchange(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode rows) {
        List<String> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.path("id").asString()));
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, (x * 7 + y * 13) & 0xffffff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BufferedImage image(byte[] bytes) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
