package com.directuschat.provision;

import static com.directuschat.provision.DirectusProvisioner.MESSAGES;
import static com.directuschat.provision.DirectusProvisioner.PRESENCE;
import static com.directuschat.provision.DirectusProvisioner.READ_POSITIONS;
import static com.directuschat.provision.DirectusProvisioner.ROOMS;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat's collections in Directus (rooms, messages, read positions), their fields and relations:
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
     * The {@code presence} collection of earlier versions, gone since the chat servers keep who is online
     * themselves: removed with its fields, relations and rows, and the permissions on it. Does nothing where it is
     * gone already.
     */
    void dropPresenceCollection() {
        if (client.find("/collections/" + PRESENCE).isPresent()) {
            log.info("Removing collection {}: the chat servers keep who is online themselves now", PRESENCE);
            client.delete("/collections/" + PRESENCE);
        }
        for (JsonNode permission : client.rows("/permissions", "id", Map.of("collection", Map.of("_eq", PRESENCE)))) {
            client.delete("/permissions/" + permission.path("id").asString());
        }
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
