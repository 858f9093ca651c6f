package com.directuschat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.local.LocalDirectus;
import com.directuschat.directus.local.LocalDirectusProperties;
import com.directuschat.provision.DirectusProvisioner;
import com.directuschat.testsupport.DirectusInstance;
import com.directuschat.testsupport.Psql;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 20, part 3: how long a message search takes Directus with {@value #MESSAGES} messages, on SQLite and on
 * PostgreSQL. The query is the chat's search (see the search module): as Alice, with her token,
 * {@code GET /items/messages} with {@code filter={"content":{"_icontains":q}}}, {@code sort=-id}, {@code limit=21}
 * and the result's fields (id, content, date_created, room, author's names). The baseline, in the same rounds: the
 * room's newest page without a filter ({@code sort=-id&limit=21}), what opening a room costs.
 *
 * <p>Queries: a word in 10 % of the messages ("common": the first page is found near the newest rows), a word in 20
 * messages ("rare": the scan goes through nearly every row) and one in none ("none": the whole table). Each round
 * runs every (database, query) pair once, in an order rotated every round, so the sides alternate. On PostgreSQL the
 * same queries run again after {@code CREATE INDEX … USING gin (lower(content) gin_trgm_ops)} (pg_trgm), which
 * Directus's {@code _icontains} ({@code lower(content) LIKE '%q%'}) can use; SQLite has no index for a {@code LIKE}
 * with a leading wildcard.
 *
 * <p>Run: {@code ./mvnw -Pbench verify -Dit.test=SearchBench [-Dbench.search.rounds=50]}. Writes
 * target/bench-search.md. Non-default settings: none of the app's (the bench talks to Directus); two Directus
 * 12.4.0 processes, the test template's (SQLite) and a fresh one on this machine's PostgreSQL 15 (database of the
 * run's own), both provisioned by {@code DirectusProvisioner} with the demo users; messages created by the admin in
 * batches of 1,000 over REST, spread over the rooms.
 */
class SearchBench {

    private static final int MESSAGES = Integer.getInteger("bench.search.messages", 100_000);
    private static final int ROUNDS = Integer.getInteger("bench.search.rounds", 50);
    private static final int BATCH = 1_000;
    private static final String COMMON = "quarterly";
    private static final String RARE = "zanzibarite";
    private static final String NONE = "nowherefound";
    private static final String FIELDS = "id,content,date_created,room,user_created.first_name,user_created.last_name";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void searchOnAHundredThousandMessages() throws Exception {
        String database = "bench_search_" + ProcessHandle.current().pid();
        Psql.run("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        Psql.run("postgres", "CREATE DATABASE " + database);
        LocalDirectus pg = new LocalDirectus(
                TestDirectus.freshProperties(Map.of())
                        .withDb(LocalDirectusProperties.Db.postgres("127.0.0.1", 5432, database, "postgres", null)),
                TestDirectus.installation());
        String header = BenchRun.header("SearchBench", List.of());
        StringBuilder out = new StringBuilder("# SearchBench\n\n").append(header);
        try (DirectusInstance sqlite = TestDirectus.dedicated(Map.of())) {
            pg.start();
            new DirectusProvisioner(TestDirectus.adminClient(pg.url())).provisionWithDemoUsers();
            Map<String, String> urls = new LinkedHashMap<>();
            urls.put("SQLite", sqlite.url());
            urls.put("PostgreSQL", pg.url());
            for (Map.Entry<String, String> db : urls.entrySet()) {
                long started = System.nanoTime();
                seed(db.getValue());
                out.append(String.format(
                        Locale.ROOT,
                        "Seeded %,d messages on %s in %.0f s.%n",
                        MESSAGES,
                        db.getKey(),
                        (System.nanoTime() - started) / 1e9));
            }
            out.append('\n').append(measure(urls, "no index"));
            Psql.run(database, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
            Psql.run(
                    database, "CREATE INDEX messages_content_trgm ON messages USING gin (lower(content) gin_trgm_ops)");
            Psql.run(database, "ANALYZE messages");
            out.append('\n')
                    .append(measure(
                            Map.of("PostgreSQL", pg.url()),
                            "PostgreSQL with the trigram index (measured after the rounds above)"));
        } finally {
            pg.close();
            Psql.run("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        System.out.println(out);
        Files.writeString(TestDirectus.TARGET.resolve("bench-search.md"), out.toString());
    }

    /** p50 and p95 of every (database, query), the pairs alternating within each round. */
    private String measure(Map<String, String> urls, String title) throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        urls.forEach((db, url) ->
                tokens.put(db, TestDirectus.loginToken(url, TestUsers.ALICE_EMAIL, TestUsers.ALICE_PASSWORD)));
        List<String[]> pairs = new ArrayList<>();
        for (String db : urls.keySet()) {
            for (String q : new String[] {"(newest page)", COMMON, RARE, NONE}) {
                pairs.add(new String[] {db, q});
            }
        }
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        Map<String, Integer> hits = new LinkedHashMap<>();
        for (int round = -3; round < ROUNDS; round++) {
            for (int i = 0; i < pairs.size(); i++) {
                String[] pair = pairs.get(Math.floorMod(i + round, pairs.size()));
                String key = pair[0] + " | " + pair[1];
                long t0 = System.nanoTime();
                int found = query(urls.get(pair[0]), tokens.get(pair[0]), pair[1]);
                long took = System.nanoTime() - t0;
                if (round >= 0) {
                    samples.computeIfAbsent(key, k -> new ArrayList<>()).add(took);
                }
                hits.put(key, found);
            }
        }
        StringBuilder out = new StringBuilder("### " + title + "\n\n"
                + "| database | query | rows on the first page | p50 | p95 |\n|---|---|---|---|---|\n");
        samples.forEach((key, nanos) -> {
            Stats s = Stats.of(key, nanos);
            String[] parts = key.split(" \\| ");
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %.1f ms | %.1f ms |%n",
                    parts[0],
                    parts[1],
                    hits.get(key),
                    s.percentile(50),
                    s.percentile(95)));
        });
        out.append(String.format(Locale.ROOT, "%n%d rounds (+3 warm-up), one request in flight.%n", ROUNDS));
        assertThat(hits).as("rows per query").allSatisfy((key, n) -> {
            if (key.endsWith(NONE)) {
                assertThat(n).isZero();
            } else {
                assertThat(n).isPositive();
            }
        });
        return out.toString();
    }

    private int query(String url, String token, String q) throws Exception {
        StringBuilder uri = new StringBuilder(url)
                .append("/items/messages?sort=-id&limit=21&fields=")
                .append(URLEncoder.encode(FIELDS, StandardCharsets.UTF_8));
        if (!q.startsWith("(")) {
            String filter = JSON.writeValueAsString(Map.of("content", Map.of("_icontains", q)));
            uri.append("&filter=").append(URLEncoder.encode(filter, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(uri.toString()))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("search status").isEqualTo(200);
        return JSON.readTree(response.body()).get("data").size();
    }

    /** {@value #MESSAGES} messages of 6-20 made-up words over the rooms; 10 % hold COMMON, 20 hold RARE. */
    private void seed(String url) throws Exception {
        String admin = TestDirectus.loginToken(url, TestUsers.ADMIN_EMAIL, TestUsers.ADMIN_PASSWORD);
        List<Long> rooms = new ArrayList<>();
        JsonNode roomRows = JSON.readTree(get(url + "/items/rooms?fields=id&limit=-1", admin))
                .get("data");
        roomRows.forEach(r -> rooms.add(r.get("id").asLong()));
        Random random = new Random(42);
        String[] words = new String[2_000];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 3 + random.nextInt(7); k > 0; k--) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        for (int start = 0; start < MESSAGES; start += BATCH) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = start; i < Math.min(MESSAGES, start + BATCH); i++) {
                StringBuilder text = new StringBuilder();
                for (int k = 6 + random.nextInt(15); k > 0; k--) {
                    text.append(words[random.nextInt(words.length)]).append(' ');
                }
                if (i % 10 == 3) {
                    text.append(COMMON).append(' ');
                }
                if (i % (MESSAGES / 20) == 7) {
                    text.append(RARE.toUpperCase(Locale.ROOT)).append(' ');
                }
                batch.add(Map.of("content", text.toString().strip(), "room", rooms.get(i % rooms.size())));
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/items/messages?fields=id"))
                            .header("Authorization", "Bearer " + admin)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(120))
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(batch)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode())
                    .as("seed batch: %s", response.body())
                    .isEqualTo(200);
        }
    }

    private String get(String uri, String token) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(uri))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
