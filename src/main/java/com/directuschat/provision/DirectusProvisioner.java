package com.directuschat.provision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Brings a Directus to the state the chat needs: the {@code messages} collection, the "Chat users"
 * policy and role, and optionally users. Only creates what is missing, so it is safe on every start.
 */
public final class DirectusProvisioner {

    public static final String CHAT_USERS = "Chat users";
    public static final String MESSAGES = "messages";
    public static final String ROOMS = "rooms";
    public static final String READ_POSITIONS = "read_positions";
    /** The room of messages posted without one, as the seed tutorial's schema does. */
    public static final String DEFAULT_ROOM = "general";
    /**
     * Where earlier versions kept who is online (one row per user, room and chat server); the chat servers keep it
     * now (see the presence module), and provisioning removes this collection where it finds it.
     */
    public static final String PRESENCE = "presence";

    /**
     * One permission; {@code restrictedFields} and the item {@code filter} (null: all items) are tried first, and
     * relaxed one after the other when an unlicensed Directus refuses them ({@code RESOURCE_RESTRICTED}).
     */
    public record PermissionSpec(
            String collection, String action, List<String> restrictedFields, Map<String, Object> filter) {

        public PermissionSpec(String collection, String action, List<String> restrictedFields) {
            this(collection, action, restrictedFields, null);
        }
    }

    /** Items whose author is the user asking: the rule for editing and deleting one's own messages. */
    static final Map<String, Object> READ_POSITIONS_OWN = Map.of("user", Map.of("_eq", "$CURRENT_USER"));

    static final Map<String, Object> OWN_ITEMS = Map.of("user_created", Map.of("_eq", "$CURRENT_USER"));

    /**
     * Ids of the policy and role that chat users get, and what Directus enforces the chat's rules with: the guard
     * flow always, and permission rules where the licence allows them.
     */
    public record ChatAccess(String policyId, String roleId, String enforcement) {}

    static final List<PermissionSpec> CHAT_PERMISSIONS = List.of(
            new PermissionSpec(MESSAGES, "create", List.of("content", "room")),
            new PermissionSpec(MESSAGES, "read", List.of("*")),
            new PermissionSpec(MESSAGES, "update", List.of("content"), OWN_ITEMS),
            new PermissionSpec(MESSAGES, "delete", List.of("*"), OWN_ITEMS),
            new PermissionSpec(ROOMS, "read", List.of("*")),
            // Each user's own rows, where the licence allows the rule (the chat only ever asks for its user's).
            new PermissionSpec(READ_POSITIONS, "read", List.of("*"), READ_POSITIONS_OWN),
            new PermissionSpec(READ_POSITIONS, "create", List.of("id", "user", "room", "last_read")),
            new PermissionSpec(READ_POSITIONS, "update", List.of("last_read"), READ_POSITIONS_OWN),
            new PermissionSpec("directus_users", "read", List.of("id", "first_name", "last_name")));

    private static final Logger log = LoggerFactory.getLogger(DirectusProvisioner.class);

    private final DirectusAdminClient client;

    public DirectusProvisioner(DirectusAdminClient client) {
        this.client = client;
    }

    /**
     * Schema, policy, role and the guard flow; returns the ids for adding users. Logs one line saying what Directus
     * enforces (see {@link ChatAccess#enforcement()}).
     */
    public ChatAccess provision() {
        ChatSchema schema = new ChatSchema(client);
        schema.ensureRoomsCollection();
        schema.ensureMessagesCollection();
        schema.dropPresenceCollection();
        ensureRoom(DEFAULT_ROOM, "General", "Everything else. Messages posted without a room land here.");
        schema.ensureReadPositionsCollection();
        PermissionRules rules = PermissionRules.of(client);
        String policyId = new ChatPolicy(client, rules).ensure(CHAT_USERS, CHAT_PERMISSIONS);
        String roleId = ensureRole(CHAT_USERS, policyId);
        new GuardFlow(client).ensure();
        String enforcement = switch (rules) {
            case ALLOWED -> "permission rules (the licence allows them) and the flow \"" + GuardFlow.NAME + "\"";
            case REFUSED -> "the flow \"" + GuardFlow.NAME + "\" (the licence refuses permission rules)";
            case UNKNOWN -> "the flow \"" + GuardFlow.NAME + "\" and the permission rules Directus took";
        };
        log.info(
                "Directus at {} is provisioned for the chat; it enforces the chat's rules with {}",
                client.url(),
                enforcement);
        return new ChatAccess(policyId, roleId, enforcement);
    }

    /** Everything plus alice and bob: for the embedded (local) Directus. */
    public ChatAccess provisionWithDemoUsers() {
        ChatAccess access = provision();
        ChatUser.DEMO_USERS.forEach(user -> ensureUser(user, access.roleId()));
        return access;
    }

    /**
     * Embedded mode only, after {@link #provisionWithDemoUsers()}: the rooms general, random and dev and about 300
     * messages of history by the demo users over the last four days, if there are no messages yet
     * ({@link DemoHistory}). Returns the number of messages created: 0 when there were messages already.
     */
    public int seedDemoHistory() {
        return new DemoHistory(client).seed(this, java.time.Instant.now(), java.time.ZoneId.systemDefault());
    }

    /** The room with this slug, created when missing; returns its id. */
    public long ensureRoom(String slug, String name, String description) {
        JsonNode found = client.rows("/items/" + ROOMS + "", "id", Map.of("slug", Map.of("_eq", slug)));
        if (found.size() > 0) {
            return found.get(0).path("id").asLong();
        }
        log.info("Creating room {}", slug);
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("slug", slug);
        room.put("name", name);
        room.put("description", description);
        return client.post("/items/" + ROOMS, room).path("id").asLong();
    }

    /**
     * A policy without app or admin access, with the given permissions added where missing; each rule is tried, and
     * relaxed where the licence refuses it (see {@link ChatPolicy}).
     */
    public String ensurePolicy(String name, List<PermissionSpec> permissions) {
        return new ChatPolicy(client, PermissionRules.UNKNOWN).ensure(name, permissions);
    }

    /** A role that carries the policy (through directus_access). */
    public String ensureRole(String name, String policyId) {
        JsonNode found = client.rows("/roles", "id", Map.of("name", Map.of("_eq", name)));
        String roleId;
        if (found.size() > 0) {
            roleId = found.get(0).path("id").asString();
        } else {
            log.info("Creating role {}", name);
            roleId = client.post("/roles", Map.of("name", name, "icon", "chat"))
                    .path("id")
                    .asString();
        }
        JsonNode access = client.rows(
                "/access",
                "id",
                Map.of(
                        "_and",
                        List.of(Map.of("role", Map.of("_eq", roleId)), Map.of("policy", Map.of("_eq", policyId)))));
        if (access.size() == 0) {
            client.post("/access", Map.of("role", roleId, "policy", policyId));
        }
        return roleId;
    }

    /** Creates the user if no user has that email; puts an existing one back into the role. */
    public String ensureUser(ChatUser user, String roleId) {
        JsonNode found = client.rows(
                "/users", "id,role", Map.of("email", Map.of("_eq", user.email().toLowerCase(java.util.Locale.ROOT))));
        if (found.size() > 0) {
            String id = found.get(0).path("id").asString();
            if (!roleId.equals(found.get(0).path("role").asString())) {
                client.patch("/users/" + id, Map.of("role", roleId));
            }
            return id;
        }
        log.info("Creating user {}", user.email());
        return client.post("/users", userRow(user, roleId)).path("id").asString();
    }

    private static Map<String, Object> userRow(ChatUser user, String roleId) {
        return Map.of(
                "email", user.email(),
                "password", user.password(),
                "first_name", user.firstName(),
                "last_name", user.lastName(),
                "role", roleId,
                "status", "active");
    }

    /** Users in bulk (test fixtures): one request for all that are missing. */
    public void ensureUsers(List<ChatUser> users, String roleId) {
        Set<String> existing = new java.util.HashSet<>();
        client.rows(
                        "/users",
                        "email",
                        Map.of(
                                "email",
                                Map.of(
                                        "_in",
                                        users.stream()
                                                .map(u -> u.email().toLowerCase(java.util.Locale.ROOT))
                                                .toList())))
                .forEach(u -> existing.add(u.path("email").asString()));
        List<Map<String, Object>> missing = new ArrayList<>();
        for (ChatUser user : users) {
            if (!existing.contains(user.email().toLowerCase(java.util.Locale.ROOT))) {
                missing.add(userRow(user, roleId));
            }
        }
        if (!missing.isEmpty()) {
            client.post("/users", missing);
        }
    }
}
