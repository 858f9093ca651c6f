package com.directuschat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's essentials, checked without a Docker engine: a build stage and a runtime stage, no root at run
 * time, a health check on readiness, a signal-friendly entry point, and no configuration baked in.
 */
class DockerfileTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    static List<String> instructions;
    static List<String> runtime;

    @BeforeAll
    static void parse() throws IOException {
        instructions = instructions(Files.readString(ROOT.resolve("Dockerfile")));
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        runtime = instructions.subList(lastFrom, instructions.size());
    }

    /** Instructions with their continuation lines joined and comments dropped, as Docker reads them. */
    static List<String> instructions(String dockerfile) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            result.add(current.toString().replaceAll("\\s+", " ").strip());
            current.setLength(0);
        }
        return result;
    }

    @Test
    void buildsWithAJdkAndRunsAJreWithTheBuildStagesOutputOnly() {
        List<String> froms =
                instructions.stream().filter(i -> i.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).matches("FROM eclipse-temurin:17-jdk AS build");
        assertThat(froms.get(1)).startsWith("FROM eclipse-temurin:17-jre");
        assertThat(runtime)
                .filteredOn(i -> i.startsWith("COPY "))
                .isNotEmpty()
                .allMatch(i -> i.startsWith("COPY --from=build "));
    }

    @Test
    void runsAsAnUnprivilegedUser() {
        List<String> users = runtime.stream().filter(i -> i.startsWith("USER ")).toList();
        assertThat(users).hasSize(1);
        String user = users.get(0).substring("USER ".length()).split(":")[0];
        assertThat(user).isNotIn("root", "0");
        assertThat(runtime.indexOf(users.get(0)))
                .as("USER comes before the entry point")
                .isLessThan(indexOf(runtime, "ENTRYPOINT "));
    }

    @Test
    void itsHealthCheckAsksForReadiness() {
        List<String> checks =
                runtime.stream().filter(i -> i.startsWith("HEALTHCHECK ")).toList();
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0))
                .contains(" CMD ")
                .contains("/actuator/health/readiness")
                .contains("${PORT}")
                .contains("curl -fsS");
        assertThat(runtime).anyMatch(i -> i.startsWith("RUN ") && i.contains("install") && i.contains("curl"));
    }

    @Test
    void javaIsProcessOneSoItGetsSigtermItself() {
        List<String> entrypoints =
                runtime.stream().filter(i -> i.startsWith("ENTRYPOINT ")).toList();
        assertThat(entrypoints).hasSize(1);
        assertThat(entrypoints.get(0)).matches("ENTRYPOINT \\[\"java\", .*]"); // exec form: no shell in between
        assertThat(runtime).noneMatch(i -> i.startsWith("CMD "));
    }

    @Test
    void bakesInNoConfigurationThatBelongsToTheEnvironment() {
        String env = String.join(
                " ", runtime.stream().filter(i -> i.startsWith("ENV ")).toList());
        assertThat(env)
                .contains("DIRECTUS_LOCAL_ENABLED=false")
                .contains("PORT=8080")
                .doesNotContain("DIRECTUS_URL")
                .doesNotContain("PASSWORD")
                .doesNotContain("TOKEN")
                .doesNotContain("REDIS")
                .doesNotContain("SECRET");
        assertThat(runtime).noneMatch(i -> i.startsWith("COPY") && (i.contains(".yml") || i.contains(".properties")));
    }

    @Test
    void theBuildContextLeavesOutLocalState() throws IOException {
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip)
                .toList();
        assertThat(ignored).contains("target", ".directus", ".git");
    }

    private static int indexOf(List<String> list, String prefix) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
