package com.directuschat.provision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The specials {@code date-created} and {@code user-created} of {@code messages}, which Directus applies on every
 * create whatever the request says: taken off for the one bulk create of the demo history ({@link DemoHistory}) and
 * put back exactly as they were, also by the next start when a seed died in between.
 */
final class StampedFields {

    /** Specials that Directus applies on create, whatever the request says; off during the seed. */
    static final Map<String, String> STAMPED_ON_CREATE =
            Map.of("date_created", "date-created", "user_created", "user-created");

    private static final Logger log = LoggerFactory.getLogger(StampedFields.class);

    private final DirectusAdminClient client;

    StampedFields(DirectusAdminClient client) {
        this.client = client;
    }

    /** The specials of date_created and user_created as they are now, with a stamp a dead seed left off put back. */
    Map<String, List<String>> currentRepaired() {
        Map<String, List<String>> specials = new LinkedHashMap<>();
        for (JsonNode field : client.get("/fields/" + DirectusProvisioner.MESSAGES)) {
            String name = field.path("field").asString();
            if (STAMPED_ON_CREATE.containsKey(name)) {
                List<String> list = new ArrayList<>();
                field.path("meta").path("special").forEach(s -> list.add(s.asString()));
                specials.put(name, list);
            }
        }
        if (!specials.keySet().equals(STAMPED_ON_CREATE.keySet())) {
            throw new ProvisionException("messages lacks date_created or user_created; provision first");
        }
        repair(specials);
        return specials;
    }

    /** Runs {@code create} with the stamps off, and puts {@code specials} back exactly as they were after it. */
    JsonNode offDuring(Map<String, List<String>> specials, Supplier<JsonNode> create) {
        patch(withoutStamps(specials));
        try {
            return create.get();
        } finally {
            patch(specials);
        }
    }

    /** Puts back a stamp that a seed which died half way left off (updates {@code specials} to match). */
    private void repair(Map<String, List<String>> specials) {
        boolean repaired = false;
        for (Map.Entry<String, String> stamp : STAMPED_ON_CREATE.entrySet()) {
            List<String> list = specials.get(stamp.getKey());
            if (!list.contains(stamp.getValue())) {
                list.add(0, stamp.getValue());
                repaired = true;
            }
        }
        if (repaired) {
            log.warn("Putting back the specials of messages.date_created and user_created (a demo history seed"
                    + " did not finish)");
            patch(specials);
        }
    }

    private static Map<String, List<String>> withoutStamps(Map<String, List<String>> specials) {
        Map<String, List<String>> stripped = new LinkedHashMap<>();
        specials.forEach((field, list) -> stripped.put(
                field,
                list.stream()
                        .filter(s -> !s.equals(STAMPED_ON_CREATE.get(field)))
                        .toList()));
        return stripped;
    }

    private void patch(Map<String, List<String>> specials) {
        List<Map<String, Object>> body = new ArrayList<>();
        specials.forEach((field, list) -> {
            Map<String, Object> meta = new HashMap<>();
            meta.put("special", list.isEmpty() ? null : list);
            body.add(Map.of("field", field, "meta", meta));
        });
        client.patch("/fields/" + DirectusProvisioner.MESSAGES, body);
    }
}
