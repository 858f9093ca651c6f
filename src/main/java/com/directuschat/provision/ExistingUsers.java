package com.directuschat.provision;

import com.directuschat.provision.DirectusProvisioner.ChatAccess;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Users who were in Directus before the chat: provisioning gives no one the chat's access by itself, so a Directus
 * set up as the seed tutorial says has users who can log in but not chat. Counts them, and on request (never by
 * default) gives each the "Chat users" policy directly, leaving their role as it is.
 */
final class ExistingUsers {

    private final DirectusAdminClient client;

    ExistingUsers(DirectusAdminClient client) {
        this.client = client;
    }

    /** Ids of the active users who have neither the chat's policy (by role or directly) nor admin access. */
    List<String> withoutChatAccess(ChatAccess access) {
        Set<String> roles = new HashSet<>();
        Set<String> users = new HashSet<>();
        roles.add(access.roleId());
        Map<String, Object> chatOrAdmin = Map.of(
                "_or",
                List.of(
                        Map.of("policy", Map.of("_eq", access.policyId())),
                        Map.of("policy", Map.of("admin_access", Map.of("_eq", true)))));
        for (JsonNode row : client.rows("/access", "role,user", chatOrAdmin)) {
            addIfSet(roles, row.path("role"));
            addIfSet(users, row.path("user"));
        }
        return client.rows("/users", "id,role", Map.of("status", Map.of("_eq", "active")))
                .valueStream()
                .filter(user -> !users.contains(user.path("id").asString()))
                .filter(user -> user.path("role").isNull()
                        || !roles.contains(user.path("role").asString()))
                .map(user -> user.path("id").asString())
                .toList();
    }

    /** Gives each of these users the chat's policy; returns how many. */
    int grant(ChatAccess access, List<String> userIds) {
        if (!userIds.isEmpty()) {
            client.post(
                    "/access",
                    userIds.stream()
                            .map(id -> Map.of("user", id, "policy", access.policyId()))
                            .toList());
        }
        return userIds.size();
    }

    private static void addIfSet(Set<String> ids, JsonNode id) {
        if (id.isString()) {
            ids.add(id.asString());
        }
    }
}
