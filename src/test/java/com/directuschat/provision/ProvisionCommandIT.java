package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.DirectusChatApplication;
import com.directuschat.testsupport.Processes;
import com.directuschat.testsupport.TestDirectus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The one-line command, run as a real JVM like {@code spring-boot:run} would. */
class ProvisionCommandIT {

    @Test
    void provisionsAnExistingDirectusAndExitsZero() throws Exception {
        Result result = run(
                "--provision",
                "--directus.url=" + TestDirectus.shared().url(),
                "--directus.admin-email=admin@example.com",
                "--directus.admin-password=admin-password");

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output)
                .contains("Provisioning of " + TestDirectus.shared().url() + " done");
        // One line says what Directus enforces the chat's rules with: on this Core licence, the guard flow.
        assertThat(result.output.lines().filter(line -> line.contains("enforces the chat's rules with")))
                .singleElement()
                .asString()
                .contains("the flow \"" + GuardFlow.NAME + "\" (the licence refuses permission rules)");
        assertThat(result.output).doesNotContain("admin-password");
    }

    @Test
    void wrongAdminCredentialsGiveOneClearErrorLine() throws Exception {
        Result result = run(
                "--provision",
                "--directus.url=" + TestDirectus.shared().url(),
                "--directus.admin-email=admin@example.com",
                "--directus.admin-password=wrong-password");

        assertThat(result.exit).isEqualTo(1);
        List<String> errors =
                result.lines().stream().filter(l -> l.contains("ERROR")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0))
                .contains("Provisioning failed: Directus refused the admin credentials at "
                        + TestDirectus.shared().url());
        assertThat(result.output).doesNotContain("wrong-password").doesNotContain("\tat ");
    }

    @Test
    void unreachableDirectusGivesOneClearErrorLine() throws Exception {
        Result result = run(
                "--provision",
                "--directus.url=http://127.0.0.1:" + TestDirectus.freePort(),
                "--directus.admin-token=whatever");

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.lines().stream().filter(l -> l.contains("ERROR")).toList())
                .singleElement()
                .asString()
                .contains("Provisioning failed: Directus is unreachable at");
    }

    private record Result(int exit, String output) {
        List<String> lines() {
            return Arrays.asList(output.split("\n"));
        }
    }

    private static Result run(String... args) throws Exception {
        Process process =
                Processes.javaProcess(DirectusChatApplication.class, args).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
