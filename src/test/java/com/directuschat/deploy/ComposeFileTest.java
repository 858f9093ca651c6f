package com.directuschat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml, checked without a Docker engine (none runs here): the services and their order, health
 * checks, the Directus settings that two instances need, the nginx templates it mounts, and that every variable it
 * gives the chat is a property the chat has.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Set<String> ONE_SHOTS = Set.of("directus-secret", "provision");
    private static final Set<String> CHATS = Set.of("chat-1", "chat-2");
    /** Read by the JVM or by application.yml's placeholders, not bound to a property of their own. */
    private static final Set<String> NOT_PROPERTIES = Set.of("JAVA_TOOL_OPTIONS", "PORT");

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in); // resolves the x-directus and x-chat anchors, as compose does
        }
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void runsTheWholeTopology() {
        assertThat(services)
                .containsOnlyKeys(
                        "postgres",
                        "redis",
                        "directus-secret",
                        "directus-1",
                        "directus-2",
                        "directus",
                        "provision",
                        "chat-1",
                        "chat-2",
                        "nginx");
        assertThat(ports("nginx")).containsExactly("8080:8080");
        assertThat(services.get("directus-1").get("image")).isEqualTo("directus/directus:12.4.0");
        assertThat(services.get("directus-2").get("image")).isEqualTo("directus/directus:12.4.0");
        assertThat(services.get("provision").get("command")).isEqualTo(List.of("--provision"));
        for (String chat : CHATS) {
            assertThat(services.get(chat).get("build")).as(chat).isEqualTo(".");
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthCheckAndEveryDependencyWaitsForOne() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            String name = service.getKey();
            if (!ONE_SHOTS.contains(name)) {
                // Services built from the Dockerfile have its HEALTHCHECK (DockerfileTest); the others declare one.
                assertThat(service.getValue().containsKey("healthcheck")
                                || ".".equals(service.getValue().get("build")))
                        .as("%s has a health check", name)
                        .isTrue();
            }
            Map<String, Map<String, Object>> dependsOn = dependsOn(name);
            for (Map.Entry<String, Map<String, Object>> dependency : dependsOn.entrySet()) {
                assertThat(services)
                        .as("%s depends on a service that exists", name)
                        .containsKey(dependency.getKey());
                String expected =
                        ONE_SHOTS.contains(dependency.getKey()) ? "service_completed_successfully" : "service_healthy";
                assertThat(dependency.getValue().get("condition"))
                        .as("%s waits for %s", name, dependency.getKey())
                        .isEqualTo(expected);
            }
        }
        assertThat(dependsOn("directus-1")).containsKeys("postgres", "redis", "directus-secret");
        assertThat(dependsOn("directus-2"))
                .as("one instance bootstraps the database first")
                .containsKey("directus-1");
        assertThat(dependsOn("directus")).containsKeys("directus-1", "directus-2");
        assertThat(dependsOn("provision")).containsKey("directus");
        for (String chat : CHATS) {
            assertThat(dependsOn(chat)).containsKeys("provision", "directus", "redis");
        }
        assertThat(dependsOn("nginx")).containsKeys("chat-1", "chat-2");
    }

    @Test
    void bothDirectusInstancesShareOneDatabaseOneRedisAndOneSecret() {
        Map<String, Object> first = environment("directus-1");
        assertThat(environment("directus-2")).isEqualTo(first);
        assertThat(first)
                .containsEntry("DB_CLIENT", "pg")
                .containsEntry("DB_HOST", "postgres")
                .containsEntry("REDIS", "redis://:${REDIS_PASSWORD:-redis-password}@redis:6379")
                .containsEntry("CACHE_STORE", "redis")
                .containsEntry("SYNCHRONIZATION_STORE", "redis")
                .containsEntry("WEBSOCKETS_ENABLED", "true")
                .containsEntry("WEBSOCKETS_HEARTBEAT_ENABLED", "true")
                .containsKey("SECRET_FILE")
                .doesNotContainKey("SECRET");
        String secretDir =
                Path.of(first.get("SECRET_FILE").toString()).getParent().toString();
        assertThat(volumes("directus-1")).contains("directus-secret:" + secretDir + ":ro");
        assertThat(volumes("directus-secret")).contains("directus-secret:" + secretDir);
    }

    @Test
    void everyVariableGivenToTheChatIsAPropertyOfTheChat() throws IOException {
        Set<String> known = knownPropertiesAsEnvironmentVariables();
        assertThat(known).as("metadata of our own properties").contains("DIRECTUS_URL", "CHAT_RATE_LIMIT_SEND_BURST");
        for (String service : List.of("chat-1", "chat-2", "provision")) {
            for (String variable : environment(service).keySet()) {
                assertThat(known.contains(variable))
                        .as("%s's %s is a property of the chat", service, variable)
                        .isTrue();
            }
        }
        assertThat(environment("chat-1")).isEqualTo(environment("chat-2"));
        assertThat(environment("chat-1"))
                .containsEntry("DIRECTUS_URL", "http://directus:8055")
                .containsEntry("SPRING_DATA_REDIS_HOST", "redis");
        assertThat(Files.readString(ROOT.resolve("src/main/resources/application.yml")))
                .contains("${PORT:8080}");
    }

    @Test
    void redisHasAPasswordThatDirectusAndTheChatUseAndTheChatsShareOneTokenKey() {
        String password = "${REDIS_PASSWORD:-redis-password}";
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) services.get("redis").get("command");
        assertThat(command).containsSubsequence("--requirepass", password);
        assertThat(environment("redis")).containsEntry("REDISCLI_AUTH", password);
        assertThat(environment("directus-1").get("REDIS").toString()).startsWith("redis://:" + password + "@");
        assertThat(environment("chat-1"))
                .containsEntry("SPRING_DATA_REDIS_PASSWORD", password)
                .doesNotContainKey("SPRING_DATA_REDIS_URL"); // a URL's (missing) password would win over it
        // One key for both chats (their environments are equal); the default is a usable placeholder.
        Matcher key = Pattern.compile("\\$\\{CHAT_LOGIN_TOKEN_KEY:-(.+)}")
                .matcher(environment("chat-1").get("CHAT_LOGIN_TOKEN_KEY").toString());
        assertThat(key.matches()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(key.group(1))).hasSize(32);
    }

    @Test
    void theChatTrustsForwardedHeadersFromTheFrontNginxOnly() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> networks =
                (Map<String, Map<String, Object>>) services.get("nginx").get("networks");
        String nginxAddress = networks.get("default").get("ipv4_address").toString();
        String trusted = environment("chat-1")
                .get("SERVER_TOMCAT_REMOTEIP_INTERNAL_PROXIES")
                .toString();
        assertThat(nginxAddress).matches(trusted);
        assertThat("172.28.0.11").doesNotMatch(trusted);
    }

    @Test
    void nginxServicesMountTheRepositoryTemplatesAndDefineEveryVariableTheyUse() throws IOException {
        for (Map.Entry<String, String> entry : Map.of(
                        "nginx", "chat.conf.template", "directus", "directus.conf.template")
                .entrySet()) {
            String service = entry.getKey();
            Path template = ROOT.resolve("deploy/nginx").resolve(entry.getValue());
            assertThat(volumes(service))
                    .contains("./deploy/nginx/" + entry.getValue() + ":/etc/nginx/templates/default.conf.template:ro")
                    .contains("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
            Set<String> used = new TreeSet<>();
            Matcher m = TEMPLATE_VARIABLE.matcher(Files.readString(template));
            while (m.find()) {
                used.add(m.group(1));
            }
            // The image's envsubst fills only variables that are set: a missing one would stay "${...}" and fail.
            assertThat(new TreeSet<>(environment(service).keySet()))
                    .as("%s's environment", service)
                    .isEqualTo(used);
        }
        assertThat(environment("nginx")).containsEntry("CHAT_1", "chat-1:8080").containsEntry("CHAT_2", "chat-2:8080");
        assertThat(environment("directus"))
                .containsEntry("DIRECTUS_1", "directus-1:8055")
                .containsEntry("DIRECTUS_2", "directus-2:8055");
    }

    /**
     * Every property in the Spring configuration metadata on the class path (ours, generated by the
     * configuration processor, and Spring Boot's), as its environment variables: upper case, dots to underscores,
     * dashes removed or made underscores (both bind, by Spring's relaxed binding).
     */
    private static Set<String> knownPropertiesAsEnvironmentVariables() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Set<String> names = new HashSet<>();
        for (URL url : Collections.list(
                ComposeFileTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asString().toUpperCase().replace('.', '_');
                    names.add(name.replace("-", ""));
                    names.add(name.replace('-', '_')); // the form README uses, which Spring binds too
                }
            }
        }
        names.addAll(NOT_PROPERTIES);
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        Object environment = services.get(service).get("environment");
        return environment == null ? Map.of() : (Map<String, Object>) environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> dependsOn(String service) {
        Object dependsOn = services.get(service).get("depends_on");
        return dependsOn == null ? Map.of() : (Map<String, Map<String, Object>>) dependsOn;
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(String service) {
        return (List<String>) services.get(service).getOrDefault("volumes", List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        return (List<String>) services.get(service).getOrDefault("ports", List.of());
    }
}
