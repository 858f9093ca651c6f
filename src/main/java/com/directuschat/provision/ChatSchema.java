package com.directuschat.provision;

import static com.directuschat.provision.DirectusProvisioner.MESSAGES;
import static com.directuschat.provision.DirectusProvisioner.PRESENCE;
import static com.directuschat.provision.DirectusProvisioner.READ_POSITIONS;
import static com.directuschat.provision.DirectusProvisioner.ROOMS;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The chat's collections in Directus (rooms, messages, presence, read positions), their fields and relations:
 * the schema half of {@link DirectusProvisioner}. Only creates what is missing.
 */
final class ChatSchema {

    private static final Logger log = LoggerFactory.getLogger(ChatSchema.class);

    private final DirectusAdminClient client;

    ChatSchema(DirectusAdminClient client) {
        this.client = client;
    }

    void ensureMessagesCollection() {
        if (client.find("/collections/" + MESSAGES).isEmpty()) {
            log.info("Creating collection {}", MESSAGES);
            client.post("/collections", Map.of(
                    "collection", MESSAGES,
                    "meta", Map.of("icon", "chat", "note", "Chat messages (created by directus-chat)"),
                    "schema", Map.of(),
                    "fields", List.of(idField())));
        }
        Set<String> existing = fieldNames();
        for (Map<String, Object> field : List.of(idField(), contentField(), userCreatedField(), dateCreatedField(),
                dateUpdatedField(), roomField())) {
            if (!existing.contains((String) field.get("field"))) {
                log.info("Creating field {}.{}", MESSAGES, field.get("field"));
                client.post("/fields/" + MESSAGES, field);
            }
        }
        ensureRelation(MESSAGES, "user_created", "directus_users");
        ensureRelation(MESSAGES, "room", ROOMS);
    }

    /** Rooms: a name, a unique slug for the URL, an optional description. */
    void ensureRoomsCollection() {
        if (client.find("/collections/" + ROOMS).isEmpty()) {
            log.info("Creating collection {}", ROOMS);
            client.post("/collections", Map.of(
                    "collection", ROOMS,
                    "meta", Map.of("icon", "forum", "note", "Chat rooms (created by directus-chat)",
                            "display_template", "{{name}}"),
                    "schema", Map.of(),
                    "fields", List.of(idField())));
        }
        Set<String> existing = fieldNames(ROOMS);
        for (Map<String, Object> field : List.of(
                Map.of("field", "name", "type", "string", "meta", Map.of("interface", "input", "required", true),
                        "schema", Map.of("is_nullable", false, "max_length", 80)),
                Map.of("field", "slug", "type", "string",
                        "meta", Map.of("interface", "input", "required", true, "note",
                                "The room's URL: lowercase letters, digits and dashes"),
                        "schema", Map.of("is_nullable", false, "is_unique", true, "max_length", 64)),
                Map.of("field", "description", "type", "text", "meta", Map.of("interface", "input-multiline"),
                        "schema", Map.of()))) {
            if (!existing.contains((String) field.get("field"))) {
                log.info("Creating field {}.{}", ROOMS, field.get("field"));
                client.post("/fields/" + ROOMS, field);
            }
        }
    }

    /**
     * Where each user has read up to, per room: one row per user and room, keyed {@code <user id>:<room id>} so
     * that a repeated create cannot make a second row.
     */
    void ensureReadPositionsCollection() {
        if (client.find("/collections/" + READ_POSITIONS).isEmpty()) {
            log.info("Creating collection {}", READ_POSITIONS);
            client.post("/collections", Map.of(
                    "collection", READ_POSITIONS,
                    "meta", Map.of("icon", "mark_chat_read", "hidden", true,
                            "note", "Read positions of chat users (created by directus-chat)"),
                    "schema", Map.of(),
                    "fields", List.of(Map.of("field", "id", "type", "string",
                            "meta", Map.of("hidden", true, "interface", "input"),
                            "schema", Map.of("is_primary_key", true, "length", 80, "has_auto_increment", false)))));
        }
        Set<String> existing = fieldNames(READ_POSITIONS);
        for (Map<String, Object> field : List.of(
                Map.of("field", "user", "type", "uuid", "meta", Map.of("interface", "input"), "schema", Map.of()),
                Map.of("field", "room", "type", "integer", "meta", Map.of("interface", "input"), "schema", Map.of()),
                Map.of("field", "last_read", "type", "bigInteger", "meta", Map.of("interface", "input",
                        "note", "Id of the newest message read"), "schema", Map.of()))) {
            if (!existing.contains((String) field.get("field"))) {
                log.info("Creating field {}.{}", READ_POSITIONS, field.get("field"));
                client.post("/fields/" + READ_POSITIONS, field);
            }
        }
    }

    /**
     * Presence: a string key {@code <user id>:<room id>:<chat server instance>} (so a user can create their row
     * without reading first, and one server's leave never removes another server's row), the user (set by Directus
     * on create), the room, and {@code seen}, set by Directus's own clock on create and on every update (so the
     * servers' clocks never matter). A row is live while {@code seen} is recent; users and rooms take their rows
     * with them when deleted. Not tracked in Directus's activity and revisions: a heartbeat writes its row only.
     */
    void ensurePresenceCollection() {
        Optional<JsonNode> collection = client.find("/collections/" + PRESENCE);
        // No activity or revision rows for heartbeats: every refresh would otherwise write two more rows.
        Map<String, Object> untracked = new LinkedHashMap<>();
        untracked.put("accountability", null);
        if (collection.isEmpty()) {
            log.info("Creating collection {}", PRESENCE);
            Map<String, Object> meta = new LinkedHashMap<>(untracked);
            meta.put("icon", "sensors");
            meta.put("note", "Who is online, per room; rows are refreshed while a chat tab is open (created by directus-chat)");
            client.post("/collections", Map.of("collection", PRESENCE, "meta", meta, "schema", Map.of(),
                    "fields", List.of(presenceKeyField())));
        }
        else if (!collection.get().path("meta").path("accountability").isNull()) {
            log.info("Turning off activity tracking of {}", PRESENCE);
            client.patch("/collections/" + PRESENCE, Map.of("meta", untracked));
        }
        Set<String> existing = fieldNames(PRESENCE);
        for (Map<String, Object> field : List.of(presenceKeyField(),
                Map.of("field", "user", "type", "uuid",
                        "meta", Map.of("special", List.of("user-created"), "interface", "select-dropdown-m2o",
                                "readonly", true),
                        "schema", Map.of()),
                Map.of("field", "room", "type", "integer",
                        "meta", Map.of("interface", "select-dropdown-m2o"), "schema", Map.of()),
                Map.of("field", "seen", "type", "timestamp",
                        "meta", Map.of("special", List.of("date-created", "date-updated"), "interface", "datetime",
                                "readonly", true, "note", "Last heartbeat, by Directus's clock"),
                        "schema", Map.of()))) {
            if (!existing.contains((String) field.get("field"))) {
                log.info("Creating field {}.{}", PRESENCE, field.get("field"));
                client.post("/fields/" + PRESENCE, field);
            }
        }
        ensureRelation(PRESENCE, "user", "directus_users", "CASCADE");
        ensureRelation(PRESENCE, "room", ROOMS, "CASCADE");
    }

    private static Map<String, Object> presenceKeyField() {
        return Map.of("field", "id", "type", "string",
                "meta", Map.of("readonly", true, "interface", "input"),
                "schema", Map.of("is_primary_key", true, "length", 128, "has_auto_increment", false));
    }

    private void ensureRelation(String collection, String field, String related) {
        ensureRelation(collection, field, related, "SET NULL");
    }

    private void ensureRelation(String collection, String field, String related, String onDelete) {
        for (JsonNode relation : client.get("/relations/" + collection)) {
            if (field.equals(relation.path("field").asString())) {
                return;
            }
        }
        client.post("/relations", Map.of("collection", collection, "field", field,
                "related_collection", related, "schema", Map.of("on_delete", onDelete)));
    }

    private Set<String> fieldNames() {
        return fieldNames(MESSAGES);
    }

    private Set<String> fieldNames(String collection) {
        Set<String> names = new HashSet<>();
        client.get("/fields/" + collection).forEach(f -> names.add(f.path("field").asString()));
        return names;
    }

    private static Map<String, Object> idField() {
        return Map.of("field", "id", "type", "integer",
                "meta", Map.of("hidden", true, "readonly", true, "interface", "input"),
                "schema", Map.of("is_primary_key", true, "has_auto_increment", true));
    }

    private static Map<String, Object> contentField() {
        return Map.of("field", "content", "type", "text",
                "meta", Map.of("interface", "input-multiline"), "schema", Map.of());
    }

    private static Map<String, Object> userCreatedField() {
        return Map.of("field", "user_created", "type", "uuid",
                "meta", Map.of("special", List.of("user-created"), "interface", "select-dropdown-m2o",
                        "readonly", true, "hidden", true),
                "schema", Map.of());
    }

    private static Map<String, Object> dateCreatedField() {
        return Map.of("field", "date_created", "type", "timestamp",
                "meta", Map.of("special", List.of("date-created"), "interface", "datetime",
                        "readonly", true, "hidden", true),
                "schema", Map.of());
    }

    private static Map<String, Object> dateUpdatedField() {
        return Map.of("field", "date_updated", "type", "timestamp",
                "meta", Map.of("special", List.of("date-updated"), "interface", "datetime",
                        "readonly", true, "hidden", true, "note", "Set when a message is edited"),
                "schema", Map.of());
    }

    private static Map<String, Object> roomField() {
        return Map.of("field", "room", "type", "integer",
                "meta", Map.of("interface", "select-dropdown-m2o", "note", "Empty means the general room"),
                "schema", Map.of());
    }
}
