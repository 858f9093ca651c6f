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
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat's collections in Directus (rooms, messages, presence, read positions), their fields and relations:
 * the schema half of {@link DirectusProvisioner}. Only creates what is missing. Fields are written as the JSON
 * Directus's {@code /fields} API takes, so they read as its documentation does.
 */
final class ChatSchema {

    private static final Logger log = LoggerFactory.getLogger(ChatSchema.class);

    private static final JsonNode ID = json("""
            {"field": "id", "type": "integer",
             "meta": {"hidden": true, "readonly": true, "interface": "input"},
             "schema": {"is_primary_key": true, "has_auto_increment": true}}""");

    private static final List<JsonNode> MESSAGE_FIELDS =
            List.of(ID, json("""
                    {"field": "content", "type": "text", "meta": {"interface": "input-multiline"}, "schema": {}}"""), json("""
                    {"field": "user_created", "type": "uuid",
                     "meta": {"special": ["user-created"], "interface": "select-dropdown-m2o",
                              "readonly": true, "hidden": true},
                     "schema": {}}"""), json("""
                    {"field": "date_created", "type": "timestamp",
                     "meta": {"special": ["date-created"], "interface": "datetime", "readonly": true, "hidden": true},
                     "schema": {}}"""), json("""
                    {"field": "date_updated", "type": "timestamp",
                     "meta": {"special": ["date-updated"], "interface": "datetime", "readonly": true, "hidden": true,
                              "note": "Set when a message is edited"},
                     "schema": {}}"""), json("""
                    {"field": "room", "type": "integer",
                     "meta": {"interface": "select-dropdown-m2o", "note": "Empty means the general room"},
                     "schema": {}}"""));

    private static final List<JsonNode> ROOM_FIELDS = List.of(json("""
                    {"field": "name", "type": "string", "meta": {"interface": "input", "required": true},
                     "schema": {"is_nullable": false, "max_length": 80}}"""), json("""
                    {"field": "slug", "type": "string",
                     "meta": {"interface": "input", "required": true,
                              "note": "The room's URL: lowercase letters, digits and dashes"},
                     "schema": {"is_nullable": false, "is_unique": true, "max_length": 64}}"""), json("""
                    {"field": "description", "type": "text", "meta": {"interface": "input-multiline"}, "schema": {}}"""));

    private static final JsonNode READ_POSITION_KEY = json("""
            {"field": "id", "type": "string", "meta": {"hidden": true, "interface": "input"},
             "schema": {"is_primary_key": true, "length": 80, "has_auto_increment": false}}""");

    private static final List<JsonNode> READ_POSITION_FIELDS = List.of(json("""
                    {"field": "user", "type": "uuid", "meta": {"interface": "input"}, "schema": {}}"""), json("""
                    {"field": "room", "type": "integer", "meta": {"interface": "input"}, "schema": {}}"""), json("""
                    {"field": "last_read", "type": "bigInteger",
                     "meta": {"interface": "input", "note": "Id of the newest message read"}, "schema": {}}"""));

    private static final JsonNode PRESENCE_KEY = json("""
            {"field": "id", "type": "string", "meta": {"readonly": true, "interface": "input"},
             "schema": {"is_primary_key": true, "length": 128, "has_auto_increment": false}}""");

    private static final List<JsonNode> PRESENCE_FIELDS = List.of(PRESENCE_KEY, json("""
                    {"field": "user", "type": "uuid",
                     "meta": {"special": ["user-created"], "interface": "select-dropdown-m2o", "readonly": true},
                     "schema": {}}"""), json("""
                    {"field": "room", "type": "integer", "meta": {"interface": "select-dropdown-m2o"}, "schema": {}}"""), json("""
                    {"field": "seen", "type": "timestamp",
                     "meta": {"special": ["date-created", "date-updated"], "interface": "datetime", "readonly": true,
                              "note": "Last heartbeat, by Directus's clock"},
                     "schema": {}}"""));

    private final DirectusAdminClient client;

    ChatSchema(DirectusAdminClient client) {
        this.client = client;
    }

    void ensureMessagesCollection() {
        ensureCollection(MESSAGES, Map.of("icon", "chat", "note", "Chat messages (created by directus-chat)"), ID);
        ensureFields(MESSAGES, MESSAGE_FIELDS);
        ensureRelation(MESSAGES, "user_created", "directus_users", "SET NULL");
        ensureRelation(MESSAGES, "room", ROOMS, "SET NULL");
        ensureSetByDirectus(MESSAGES, List.of("id", "date_updated"));
    }

    /**
     * Field validation that refuses a payload carrying these fields, for everyone (admins too): a message's id and
     * its edit time are Directus's to set. Unlike a permission rule, field validation is not a licensed feature, and
     * Directus checks it on every write (REST, GraphQL, realtime) before any Flow runs. Without it, a user could
     * post a message with an id near 2^53, after which every new id on SQLite follows it. (A create's
     * {@code user_created} and {@code date_created} need none: Directus's specials replace whatever is sent.)
     */
    private void ensureSetByDirectus(String collection, List<String> fields) {
        for (JsonNode field : client.get("/fields/" + collection)) {
            String name = field.path("field").asString();
            Map<String, Object> rule = Map.of("_and", List.of(Map.of(name, Map.of("_null", true))));
            if (fields.contains(name)
                    && !JsonMapper.shared()
                            .valueToTree(rule)
                            .equals(field.path("meta").path("validation"))) {
                log.info("Making {}.{} Directus's to set (field validation)", collection, name);
                client.patch(
                        "/fields/" + collection + "/" + name,
                        Map.of(
                                "meta",
                                Map.of(
                                        "validation",
                                        rule,
                                        "validation_message",
                                        "Directus sets " + name + "; leave it out.")));
            }
        }
    }

    /** Rooms: a name, a unique slug for the URL, an optional description. */
    void ensureRoomsCollection() {
        ensureCollection(
                ROOMS,
                Map.of(
                        "icon",
                        "forum",
                        "note",
                        "Chat rooms (created by directus-chat)",
                        "display_template",
                        "{{name}}"),
                ID);
        ensureFields(ROOMS, ROOM_FIELDS);
    }

    /**
     * Where each user has read up to, per room: one row per user and room, keyed {@code <user id>:<room id>} so
     * that a repeated create cannot make a second row.
     */
    void ensureReadPositionsCollection() {
        ensureCollection(
                READ_POSITIONS,
                Map.of(
                        "icon", "mark_chat_read",
                        "hidden", true,
                        "note", "Read positions of chat users (created by directus-chat)"),
                READ_POSITION_KEY);
        ensureFields(READ_POSITIONS, READ_POSITION_FIELDS);
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
            Map<String, Object> meta = new LinkedHashMap<>(untracked);
            meta.put("icon", "sensors");
            meta.put(
                    "note",
                    "Who is online, per room; rows are refreshed while a chat tab is open (created by directus-chat)");
            ensureCollection(PRESENCE, meta, PRESENCE_KEY);
        } else if (!collection.get().path("meta").path("accountability").isNull()) {
            log.info("Turning off activity tracking of {}", PRESENCE);
            client.patch("/collections/" + PRESENCE, Map.of("meta", untracked));
        }
        ensureFields(PRESENCE, PRESENCE_FIELDS);
        ensureRelation(PRESENCE, "user", "directus_users", "CASCADE");
        ensureRelation(PRESENCE, "room", ROOMS, "CASCADE");
    }

    private void ensureCollection(String collection, Map<String, Object> meta, JsonNode primaryKey) {
        if (client.find("/collections/" + collection).isEmpty()) {
            log.info("Creating collection {}", collection);
            client.post(
                    "/collections",
                    Map.of("collection", collection, "meta", meta, "schema", Map.of(), "fields", List.of(primaryKey)));
        }
    }

    private void ensureFields(String collection, List<JsonNode> fields) {
        Set<String> existing = new HashSet<>();
        client.get("/fields/" + collection)
                .forEach(f -> existing.add(f.path("field").asString()));
        for (JsonNode field : fields) {
            String name = field.path("field").asString();
            if (!existing.contains(name)) {
                log.info("Creating field {}.{}", collection, name);
                client.post("/fields/" + collection, field);
            }
        }
    }

    private void ensureRelation(String collection, String field, String related, String onDelete) {
        for (JsonNode relation : client.get("/relations/" + collection)) {
            if (field.equals(relation.path("field").asString())) {
                return;
            }
        }
        client.post(
                "/relations",
                Map.of(
                        "collection", collection,
                        "field", field,
                        "related_collection", related,
                        "schema", Map.of("on_delete", onDelete)));
    }

    private static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }
}
