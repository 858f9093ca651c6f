package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProvisioningIT {

    @Test
    void provisioningTwiceGivesTheSameState() {
        String url = TestDirectus.shared().url();
        DirectusAdminClient admin = TestDirectus.adminClient(url);
        String before = snapshot(admin);

        new DirectusProvisioner(admin).provisionWithDemoUsers();
        String once = snapshot(admin);
        int exit = ProvisionCommand.run(
                new ProvisionProperties(url, null, TestUsers.ADMIN_EMAIL, TestUsers.ADMIN_PASSWORD));
        String twice = snapshot(admin);

        assertThat(exit).isZero();
        assertThat(once).isEqualTo(before);
        assertThat(twice).isEqualTo(before);
        assertThat(before)
                .contains(
                        "field messages.content text",
                        "field messages.user_created ",
                        "field messages.date_created timestamp",
                        "relation messages.user_created->directus_users",
                        "policy Chat users app=false admin=false",
                        "role Chat users");
    }

    /** The guard flow is made once; an older definition of it is replaced, so upgrading in place updates it. */
    @Test
    void theGuardFlowIsMadeOnceAndAnOlderOneIsReplaced() {
        DirectusAdminClient admin =
                TestDirectus.adminClient(TestDirectus.shared().url());
        java.util.Map<String, ?> named = java.util.Map.of("name", java.util.Map.of("_eq", GuardFlow.NAME));
        JsonNode flows = admin.rows("/flows", "id,status", named);
        assertThat(flows).hasSize(1);
        String id = flows.get(0).path("id").asString();

        assertThat(new GuardFlow(admin).ensure()).isFalse();
        assertThat(admin.rows("/flows", "id", named).get(0).path("id").asString())
                .isEqualTo(id);

        admin.patch("/flows/" + id, java.util.Map.of("description", "an older definition"));
        assertThat(new GuardFlow(admin).ensure()).isTrue();
        JsonNode replaced = admin.rows("/flows", "id,status,description,operations", named);
        assertThat(replaced).hasSize(1);
        assertThat(replaced.get(0).path("id").asString()).isNotEqualTo(id);
        assertThat(replaced.get(0).path("status").asString()).isEqualTo("active");
        assertThat(replaced.get(0).path("description").asString()).isEqualTo(GuardFlow.description());
        assertThat(replaced.get(0).path("operations"))
                .hasSize(GuardFlow.operations().size());
        // The old flow's operations went with it.
        assertThat(admin.rows("/operations", "id", java.util.Map.of("flow", java.util.Map.of("_eq", id))))
                .isEmpty();
    }

    /**
     * An install provisioned by a version that kept presence in Directus: its {@code presence} collection (with rows
     * and the Chat users' permissions on it) and its guard flow, which filtered presence writes, are gone after
     * provisioning; a second run finds nothing left to do.
     */
    @Test
    void anInstallThatHadPresenceLosesItWhenProvisioned() {
        DirectusAdminClient admin =
                TestDirectus.adminClient(TestDirectus.shared().url());
        String presence = DirectusProvisioner.PRESENCE;
        admin.post(
                "/collections",
                java.util.Map.of(
                        "collection", presence,
                        "meta", java.util.Map.of("note", "Who is online (an older directus-chat)"),
                        "schema", java.util.Map.of(),
                        "fields",
                                List.of(java.util.Map.of(
                                        "field", "id",
                                        "type", "string",
                                        "schema", java.util.Map.of("is_primary_key", true, "length", 128)))));
        admin.post("/fields/" + presence, java.util.Map.of("field", "room", "type", "integer"));
        admin.post("/items/" + presence, java.util.Map.of("id", "someone:1:old", "room", 1));
        String policy = admin.rows(
                        "/policies",
                        "id",
                        java.util.Map.of("name", java.util.Map.of("_eq", DirectusProvisioner.CHAT_USERS)))
                .get(0)
                .path("id")
                .asString();
        admin.post(
                "/permissions",
                java.util.Map.of("policy", policy, "collection", presence, "action", "read", "fields", List.of("*")));
        java.util.Map<String, ?> named = java.util.Map.of("name", java.util.Map.of("_eq", GuardFlow.NAME));
        admin.patch(
                "/flows/" + admin.rows("/flows", "id", named).get(0).path("id").asString(),
                java.util.Map.of("description", "an older definition, with presence"));

        new DirectusProvisioner(admin).provision();

        assertThat(admin.find("/collections/" + presence)).isEmpty();
        assertThat(admin.rows("/permissions", "id", java.util.Map.of("collection", java.util.Map.of("_eq", presence))))
                .isEmpty();
        JsonNode flow = admin.rows("/flows", "description,options", named).get(0);
        assertThat(flow.path("description").asString()).isEqualTo(GuardFlow.description());
        assertThat(flow.path("options").toString()).doesNotContain(presence);
        String after = snapshot(admin);
        new DirectusProvisioner(admin).provision();
        assertThat(snapshot(admin)).isEqualTo(after);
    }

    @Test
    void staticAdminTokenWorksToo() {
        String url = TestDirectus.shared().url();
        DirectusAdminClient admin = TestDirectus.adminClient(url);
        String me = admin.get("/users/me?fields=id").path("id").asString();
        String token = "provision-it-static-token-" + System.nanoTime();
        admin.patch("/users/" + me, java.util.Map.of("token", token));

        assertThat(ProvisionCommand.run(new ProvisionProperties(url, token, null, null)))
                .isZero();
    }

    /** The filter travels as one query value: characters that mean something in a URL stay part of it. */
    @Test
    void filtersFindValuesWithCharactersThatMeanSomethingInAUrl() {
        DirectusAdminClient admin =
                TestDirectus.adminClient(TestDirectus.shared().url());
        DirectusProvisioner provisioner = new DirectusProvisioner(admin);
        String role = provisioner.ensureRole(
                "Filter test & co = 100% +1", provisioner.ensurePolicy("Filter test", List.of()));
        ChatUser user = new ChatUser(
                "dana+tag" + System.nanoTime() + "@example.com", "dana-password", "Dana & Co", "100% = +1");

        String id = provisioner.ensureUser(user, role);

        assertThat(provisioner.ensureUser(user, role)).isEqualTo(id);
        assertThat(provisioner.ensureRole(
                        "Filter test & co = 100% +1", provisioner.ensurePolicy("Filter test", List.of())))
                .isEqualTo(role);
        assertThat(admin.rows("/users", "id", java.util.Map.of("first_name", java.util.Map.of("_eq", "Dana & Co"))))
                .extracting(row -> row.path("id").asString())
                .contains(id);
    }

    static String snapshot(DirectusAdminClient admin) {
        TreeSet<String> lines = new TreeSet<>();
        for (JsonNode f : admin.get("/fields/messages")) {
            lines.add("field messages." + f.path("field").asString() + " "
                    + f.path("type").asString() + " " + f.path("meta").path("special"));
        }
        for (JsonNode r : admin.get("/relations/messages")) {
            lines.add("relation messages." + r.path("field").asString() + "->"
                    + r.path("related_collection").asString());
        }
        for (JsonNode p : admin.get("/policies?fields=id,name,app_access,admin_access&limit=-1")) {
            lines.add("policy " + p.path("name").asString() + " app="
                    + p.path("app_access").asBoolean() + " admin="
                    + p.path("admin_access").asBoolean() + " id=" + p.path("id").asString());
        }
        for (JsonNode p : admin.get("/permissions?fields=policy,collection,action,fields&limit=-1")) {
            lines.add("permission " + p.path("policy").asString() + " "
                    + p.path("collection").asString() + " " + p.path("action").asString() + " " + p.path("fields"));
        }
        for (JsonNode r : admin.get("/roles?fields=id,name&limit=-1")) {
            lines.add(
                    "role " + r.path("name").asString() + " id=" + r.path("id").asString());
        }
        for (JsonNode a : admin.get("/access?fields=role,policy&limit=-1")) {
            lines.add("access " + a.path("role").asString() + " "
                    + a.path("policy").asString());
        }
        for (JsonNode u : admin.get("/users?fields=email,role,first_name,last_name&limit=-1")) {
            lines.add("user " + u.path("email").asString() + " "
                    + u.path("role").asString() + " " + u.path("first_name").asString() + " "
                    + u.path("last_name").asString());
        }
        return String.join("\n", List.copyOf(lines));
    }
}
