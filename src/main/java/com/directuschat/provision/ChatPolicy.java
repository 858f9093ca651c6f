package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import com.directuschat.provision.DirectusProvisioner.PermissionSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The "Chat users" policy and its permissions. Where the licence allows permission rules, each permission carries
 * its rule (own items only, fields limited); where it refuses them ({@link PermissionRules#REFUSED}), they are
 * created without, and the guard flow ({@link GuardFlow}) enforces the same. Where it is not known, each rule is
 * tried, and relaxed when Directus answers {@code RESOURCE_RESTRICTED}, fields first.
 */
final class ChatPolicy {

    private static final Logger log = LoggerFactory.getLogger(ChatPolicy.class);

    private final DirectusAdminClient client;
    private final PermissionRules rules;

    ChatPolicy(DirectusAdminClient client, PermissionRules rules) {
        this.client = client;
        this.rules = rules;
    }

    /** A policy without app or admin access, with the given permissions added where missing; returns its id. */
    String ensure(String name, List<PermissionSpec> permissions) {
        JsonNode found = client.rows("/policies", "id", Map.of("name", Map.of("_eq", name)));
        String policyId;
        if (found.size() > 0) {
            policyId = found.get(0).path("id").asString();
        } else {
            log.info("Creating policy {}", name);
            policyId = client.post(
                            "/policies",
                            Map.of("name", name, "icon", "chat", "app_access", false, "admin_access", false))
                    .path("id")
                    .asString();
        }
        Set<String> existing = new java.util.HashSet<>();
        client.rows("/permissions", "collection,action", Map.of("policy", Map.of("_eq", policyId)))
                .forEach(p -> existing.add(
                        p.path("collection").asString() + ":" + p.path("action").asString()));
        for (PermissionSpec spec : permissions) {
            if (!existing.contains(spec.collection() + ":" + spec.action())) {
                createPermission(policyId, spec);
            }
        }
        return policyId;
    }

    private void createPermission(String policyId, PermissionSpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("policy", policyId);
        body.put("collection", spec.collection());
        body.put("action", spec.action());
        if (rules == PermissionRules.REFUSED) {
            // Core: the guard flow enforces what the rules would (GuardFlow); do not ask for what will be refused.
            body.put("fields", List.of("*"));
            client.post("/permissions", body);
            return;
        }
        body.put("fields", spec.restrictedFields());
        if (spec.filter() != null) {
            body.put("permissions", spec.filter());
        }
        try {
            client.post("/permissions", body);
            return;
        } catch (DirectusException e) {
            if (!"RESOURCE_RESTRICTED".equals(e.code()) || !restricted(body)) {
                throw e;
            }
        }
        // Unlicensed Directus 12 refuses field restrictions and item filters: relax them, fields first.
        if (!List.of("*").equals(body.get("fields"))) {
            body.put("fields", List.of("*"));
            try {
                client.post("/permissions", body);
                log.warn(
                        "Directus refused restricting {} {} to fields {} (RESOURCE_RESTRICTED, needs a licence);"
                                + " allowing all fields instead",
                        spec.collection(),
                        spec.action(),
                        spec.restrictedFields());
                return;
            } catch (DirectusException e) {
                if (!"RESOURCE_RESTRICTED".equals(e.code()) || !body.containsKey("permissions")) {
                    throw e;
                }
            }
        }
        body.remove("permissions");
        client.post("/permissions", body);
        log.warn(
                "Directus refused the rule {} for {} {} (RESOURCE_RESTRICTED, needs a licence); allowing it on all"
                        + " items{} instead; the flow \"" + GuardFlow.NAME + "\" enforces it.",
                spec.filter(),
                spec.collection(),
                spec.action(),
                List.of("*").equals(spec.restrictedFields()) ? "" : " and all fields");
    }

    private static boolean restricted(Map<String, Object> body) {
        return !List.of("*").equals(body.get("fields")) || body.containsKey("permissions");
    }
}
