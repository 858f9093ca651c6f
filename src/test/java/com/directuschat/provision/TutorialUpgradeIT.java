package com.directuschat.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.DirectusException;
import com.directuschat.directus.local.LocalDirectus;
import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A Directus set up the way the seed tutorial says (realtime-chat-directus-nextjs.md: a {@code messages} collection
 * with content, user_created and date_created, permissions on the Public policy, a user with that policy), with
 * messages in it, is provisioned in place: it gains rooms, the room general, messages.room and
 * messages.date_updated, and its messages stay as they were, in no room (that is: in general). Then the tutorial's
 * user logs in to the chat: refused at first with the real cause (no chat access; provisioning gives it to no
 * existing user by itself), and chatting after {@code --provision --grant-chat-access}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TutorialUpgradeIT {

    private static final String TUTORIAL_EMAIL = "tutorial@example.com";
    private static final String TUTORIAL_PASSWORD = "tutorial-password";

    /** Bootstrapped from scratch: nothing of ours in it. Stopped when the test JVM exits. */
    static LocalDirectus directus;

    @DynamicPropertySource
    static void directus(DynamicPropertyRegistry registry) {
        directus = new LocalDirectus(TestDirectus.freshProperties(Map.of()), TestDirectus.installation());
        directus.start();
        registry.add("directus.url", directus::url);
        registry.add("directus.local.enabled", () -> "false");
    }

    @LocalServerPort
    int port;

    @Test
    void tutorialSetupIsUpgradedInPlaceAndItsUserChatsOnceGivenAccess() {
        DirectusAdminClient admin = TestDirectus.adminClient(directus.url());
        setUpAsTheTutorialSays(admin);
        String token = DirectusAdminClient.accessToken(directus.url(), TUTORIAL_EMAIL, TUTORIAL_PASSWORD);
        DirectusRest.createMessage(directus.url(), token, "hello from the tutorial app");
        DirectusRest.createMessage(directus.url(), token, "second message");
        DirectusRest.createMessage(directus.url(), null, "posted anonymously through the Public policy");
        List<JsonNode> old = admin.get("/items/messages?fields=id,content,user_created,date_created&sort=id")
                .valueStream()
                .toList();
        assertThat(old).hasSize(3);
        assertThat(ProvisioningIT.snapshot(admin)).doesNotContain("messages.room", "messages.date_updated");
        assertThat(admin.find("/collections/rooms")).isEmpty();

        ProvisionProperties props =
                new ProvisionProperties(directus.url(), null, TestUsers.ADMIN_EMAIL, TestUsers.ADMIN_PASSWORD);
        assertThat(ProvisionCommand.run(props)).isZero();

        String once = state(admin);
        assertThat(once)
                .contains(
                        "field messages.room integer",
                        "field messages.date_updated timestamp ",
                        "relation messages.room->rooms",
                        "relation messages.user_created->directus_users",
                        "field rooms.slug string",
                        "field rooms.name string",
                        "field rooms.description text",
                        "room general General",
                        "policy Chat users",
                        "role Chat users");
        assertThat(admin.get("/items/rooms?fields=slug").size())
                .as("general only")
                .isEqualTo(1);
        List<JsonNode> upgraded = admin.get(
                        "/items/messages?fields=id,content,user_created,date_created,room,date_updated&sort=id")
                .valueStream()
                .toList();
        assertThat(upgraded).hasSameSizeAs(old);
        for (int i = 0; i < old.size(); i++) {
            JsonNode message = upgraded.get(i);
            for (String field : List.of("id", "content", "user_created", "date_created")) {
                assertThat(message.path(field))
                        .as("%s of %s", field, message)
                        .isEqualTo(old.get(i).path(field));
            }
            assertThat(message.path("room").isNull())
                    .as("in no room, i.e. general: %s", message)
                    .isTrue();
            assertThat(message.path("date_updated").isNull())
                    .as("not edited: %s", message)
                    .isTrue();
        }

        new DirectusProvisioner(admin).provision();
        assertThat(state(admin)).as("provisioning twice changes nothing").isEqualTo(once);
        assertThat(admin.get("/items/messages?fields=id,content,user_created,date_created,room,date_updated&sort=id")
                        .valueStream()
                        .toList())
                .isEqualTo(upgraded);

        // The tutorial's app keeps working: its user posts as before, into no room.
        long id = DirectusRest.createMessage(directus.url(), token, "still works");
        JsonNode created = admin.get("/items/messages/" + id + "?fields=room,user_created.email,date_updated");
        assertThat(created.path("user_created").path("email").asString()).isEqualTo(TUTORIAL_EMAIL);
        assertThat(created.path("room").isNull()).isTrue();
        assertThat(created.path("date_updated").isNull()).isTrue();

        // The tutorial's user logs in to the chat: refused, with the real cause and what an admin does.
        DirectusProvisioner.ChatAccess access = new DirectusProvisioner(admin).provision();
        assertThat(new ExistingUsers(admin).withoutChatAccess(access)).hasSize(1);
        ChatClient before = new ChatClient("http://127.0.0.1:" + port);
        before.login(TUTORIAL_EMAIL, TUTORIAL_PASSWORD);
        HttpResponse<String> refused = before.get("/");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body())
                .contains("does not have the chat")
                .contains("Chat users")
                .contains("--provision --grant-chat-access");

        assertThat(ProvisionCommand.run(props, true)).isZero();
        assertThat(new ExistingUsers(admin).withoutChatAccess(access)).isEmpty();
        assertThat(admin.rows("/users", "role", Map.of("email", Map.of("_eq", TUTORIAL_EMAIL)))
                        .get(0)
                        .path("role")
                        .isNull())
                .as("the grant leaves the user's role alone")
                .isTrue();

        ChatClient after = new ChatClient("http://127.0.0.1:" + port);
        after.login(TUTORIAL_EMAIL, TUTORIAL_PASSWORD);
        HttpResponse<String> chat = after.get("/");
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.body()).contains("hello from the tutorial app").contains("still works");
        assertThat(after.sendMessage("sent from the chat").statusCode()).isLessThan(300);
        assertThat(admin.rows(
                                "/items/messages",
                                "user_created.email",
                                Map.of("content", Map.of("_eq", "sent from the chat")))
                        .get(0)
                        .path("user_created")
                        .path("email")
                        .asString())
                .isEqualTo(TUTORIAL_EMAIL);
    }

    /** The tutorial's steps, done the way the Data Studio does them. */
    static void setUpAsTheTutorialSays(DirectusAdminClient admin) {
        admin.post(
                "/collections",
                Map.of(
                        "collection",
                        "messages",
                        "schema",
                        Map.of(),
                        "meta",
                        Map.of(),
                        "fields",
                        List.of(
                                Map.of(
                                        "field",
                                        "id",
                                        "type",
                                        "integer",
                                        "meta",
                                        Map.of("hidden", true, "interface", "input", "readonly", true),
                                        "schema",
                                        Map.of("is_primary_key", true, "has_auto_increment", true)),
                                Map.of(
                                        "field",
                                        "user_created",
                                        "type",
                                        "uuid",
                                        "meta",
                                        Map.of(
                                                "special",
                                                List.of("user-created"),
                                                "interface",
                                                "select-dropdown-m2o",
                                                "options",
                                                Map.of("template", "{{avatar}} {{first_name}} {{last_name}}"),
                                                "display",
                                                "user",
                                                "readonly",
                                                true,
                                                "hidden",
                                                true,
                                                "width",
                                                "half"),
                                        "schema",
                                        Map.of()),
                                Map.of(
                                        "field",
                                        "date_created",
                                        "type",
                                        "timestamp",
                                        "meta",
                                        Map.of(
                                                "special",
                                                List.of("date-created"),
                                                "interface",
                                                "datetime",
                                                "readonly",
                                                true,
                                                "hidden",
                                                true,
                                                "width",
                                                "half",
                                                "display",
                                                "datetime",
                                                "display_options",
                                                Map.of("relative", true)),
                                        "schema",
                                        Map.of()))));
        admin.post(
                "/relations",
                Map.of("collection", "messages", "field", "user_created", "related_collection", "directus_users"));
        admin.post(
                "/fields/messages",
                Map.of(
                        "field",
                        "content",
                        "type",
                        "text",
                        "meta",
                        Map.of("interface", "input-multiline"),
                        "schema",
                        Map.of()));

        String publicPolicy = admin.rows("/policies", "id", Map.of("name", Map.of("_eq", "$t:public_label")))
                .get(0)
                .path("id")
                .asString();
        admin.post(
                "/permissions",
                List.of(
                        Map.of(
                                "policy",
                                publicPolicy,
                                "collection",
                                "messages",
                                "action",
                                "create",
                                "fields",
                                List.of("*")),
                        Map.of(
                                "policy",
                                publicPolicy,
                                "collection",
                                "messages",
                                "action",
                                "read",
                                "fields",
                                List.of("*"))));
        try {
            admin.post(
                    "/permissions",
                    Map.of(
                            "policy",
                            publicPolicy,
                            "collection",
                            "directus_users",
                            "action",
                            "read",
                            "fields",
                            List.of("first_name", "last_name")));
        } catch (DirectusException e) {
            // Unlicensed Directus 12 refuses field restrictions (see docs/trust-and-security.md).
            assertThat(e.code()).isEqualTo("RESOURCE_RESTRICTED");
            admin.post(
                    "/permissions",
                    Map.of(
                            "policy",
                            publicPolicy,
                            "collection",
                            "directus_users",
                            "action",
                            "read",
                            "fields",
                            List.of("*")));
        }
        String user = admin.post(
                        "/users",
                        Map.of(
                                "email",
                                TUTORIAL_EMAIL,
                                "password",
                                TUTORIAL_PASSWORD,
                                "first_name",
                                "Tess",
                                "last_name",
                                "Tutorial",
                                "status",
                                "active"))
                .path("id")
                .asString();
        admin.post("/access", Map.of("user", user, "policy", publicPolicy));
    }

    /** {@link ProvisioningIT#snapshot} plus the rooms collection, its fields and items. */
    private static String state(DirectusAdminClient admin) {
        List<String> lines = new ArrayList<>(List.of(ProvisioningIT.snapshot(admin)));
        for (JsonNode f : admin.get("/fields/rooms")) {
            lines.add("field rooms." + f.path("field").asString() + " "
                    + f.path("type").asString() + " "
                    + f.path("schema").path("is_unique").asBoolean());
        }
        for (JsonNode r : admin.get("/items/rooms?fields=id,slug,name,description&sort=id")) {
            lines.add("room " + r.path("slug").asString() + " " + r.path("name").asString() + " id=" + r.path("id")
                    + " " + r.path("description").asString());
        }
        Map<String, Object> collections = new LinkedHashMap<>();
        for (JsonNode c : admin.get("/collections?fields=collection,meta.note")) {
            if (!c.path("collection").asString().startsWith("directus_")) {
                collections.put(
                        c.path("collection").asString(),
                        c.path("meta").path("note").asString());
            }
        }
        lines.add("collections " + collections);
        return String.join("\n", lines);
    }
}
