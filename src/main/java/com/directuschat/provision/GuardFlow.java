package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "directus-chat guard": a blocking event Flow that makes Directus itself refuse what is not the caller's, on any
 * licence. Directus 12's Core licence refuses permission rules ({@code RESOURCE_RESTRICTED}), so without it any chat
 * user who logs in to Directus directly could edit or delete anyone's message, rewrite its author, or write another
 * user's read position. The flow (one of the five Core allows) filters every update and delete of {@code messages}
 * and {@code read_positions}, and every create of read positions, for every client:
 * REST, GraphQL, the realtime socket, the Data Studio. Administrators and Directus itself pass. Creating a message
 * does not run it (it would cost every send a deep copy of Directus's schema, which each flow run makes): there,
 * Directus sets the author and dates itself, and field validation keeps the id and edit time Directus's
 * ({@link ChatSchema}).
 *
 * <p>Its operations, first to last:
 *
 * <ol>
 *   <li>{@code check} (run script, {@code guard-flow-check.js}): refuses fixed fields (ids, authors, dates), a
 *       message moved to another room, and read positions keyed as someone else's; for an update or
 *       a delete it names the rows to read.
 *   <li>{@code needs_read} (condition), {@code owners} (read, with full access) and {@code owned} (run script):
 *       refuse when any of those rows belongs to someone else, or to no one.
 *   <li>{@code refuse_*} (throw error): the refusal, a 403 {@code FORBIDDEN} carrying the reason.
 * </ol>
 *
 * Run with {@code accountability: null}, so a write costs no activity row for the flow. The flow's description
 * carries a hash of its definition: provisioning replaces a flow whose hash differs, and leaves a current one alone.
 */
final class GuardFlow {

    static final String NAME = "directus-chat guard";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(tools.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final Logger log = LoggerFactory.getLogger(GuardFlow.class);

    /** One operation; {@code resolve} and {@code reject} name operations listed before it (or none). */
    record Operation(String key, String type, Map<String, Object> options, String resolve, String reject) {}

    private final DirectusAdminClient client;

    GuardFlow(DirectusAdminClient client) {
        this.client = client;
    }

    /**
     * The flow's trigger: a blocking filter on updates and deletes of the chat's collections (Directus pairs each
     * of these scopes with each collection), and on creates of read positions (a full event name, which Directus
     * takes as it is).
     */
    static Map<String, Object> triggerOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("type", "filter");
        options.put(
                "scope", List.of("items.update", "items.delete", DirectusProvisioner.READ_POSITIONS + ".items.create"));
        options.put("collections", List.of(DirectusProvisioner.MESSAGES, DirectusProvisioner.READ_POSITIONS));
        return options;
    }

    /** The operations, each after the ones it leads to, so that they can be created in this order. */
    static List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        ops.add(refusal("refuse_owned"));
        ops.add(new Operation("owned", "exec", Map.of("code", script("guard-flow-owned.js")), null, "refuse_owned"));
        ops.add(refusal("refuse_read"));
        ops.add(new Operation(
                "owners",
                "item-read",
                Map.of("collection", "{{check.collection}}", "query", "{{check.query}}", "permissions", "$full"),
                "owned",
                "refuse_read"));
        ops.add(new Operation(
                "needs_read",
                "condition",
                Map.of("filter", Map.of("$last", Map.of("read", Map.of("_eq", false)))),
                null,
                "owners"));
        ops.add(refusal("refuse_check"));
        ops.add(new Operation(
                "check", "exec", Map.of("code", script("guard-flow-check.js")), "needs_read", "refuse_check"));
        return ops;
    }

    private static Operation refusal(String key) {
        // $last is the error the operation before threw: its message says why.
        return new Operation(
                key,
                "throw-error",
                Map.of("code", "FORBIDDEN", "status", "403", "message", "{{$last.message}}"),
                null,
                null);
    }

    /** A short hash of the whole definition, kept in the flow's description. */
    static String version() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsBytes(List.of(triggerOptions(), operations())));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String description() {
        return "Refuses changes to chat messages and read positions that are not the caller's."
                + " Created by directus-chat's provisioning (definition " + version() + "); do not edit.";
    }

    /**
     * Makes the current flow the only one of its name, active. Returns true when it created one (none was there,
     * or an older definition, which is then deleted).
     */
    boolean ensure() {
        JsonNode existing = client.rows("/flows", "id,description,status", Map.of("name", Map.of("_eq", NAME)));
        if (existing.size() == 1
                && description().equals(existing.get(0).path("description").asString())
                && "active".equals(existing.get(0).path("status").asString())) {
            return false;
        }
        create();
        for (JsonNode old : existing) {
            client.delete("/flows/" + old.path("id").asString());
        }
        return true;
    }

    private void create() {
        log.info("Creating the flow {}", NAME);
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("name", NAME);
        flow.put("icon", "shield");
        flow.put("description", description());
        flow.put("status", "inactive"); // active once complete
        flow.put("trigger", "event");
        flow.put("accountability", null);
        flow.put("options", triggerOptions());
        String flowId = client.post("/flows", flow).path("id").asString();
        Map<String, String> ids = new HashMap<>();
        List<Operation> ops = operations();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("flow", flowId);
            row.put("key", op.key());
            row.put("name", op.key());
            row.put("type", op.type());
            row.put("options", op.options());
            row.put("position_x", 1 + 18 * (ops.size() - 1 - i));
            row.put("position_y", op.key().startsWith("refuse_") ? 20 : 1);
            row.put("resolve", op.resolve() == null ? null : ids.get(op.resolve()));
            row.put("reject", op.reject() == null ? null : ids.get(op.reject()));
            ids.put(op.key(), client.post("/operations", row).path("id").asString());
        }
        Map<String, Object> activate = new LinkedHashMap<>();
        activate.put("operation", ids.get(ops.get(ops.size() - 1).key()));
        activate.put("status", "active");
        try {
            client.patch("/flows/" + flowId, activate);
        } catch (DirectusException e) {
            client.delete("/flows/" + flowId);
            throw new ProvisionException("Directus refused to activate the flow \"" + NAME + "\" that keeps the"
                    + " chat's data safe (" + e.getMessage() + "). Directus Core allows 5 active flows: deactivate"
                    + " one, then provision again.");
        }
    }

    private static String script(String name) {
        try (InputStream in = GuardFlow.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
