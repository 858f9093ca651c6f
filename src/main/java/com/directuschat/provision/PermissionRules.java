package com.directuschat.provision;

import com.directuschat.directus.DirectusException;
import tools.jackson.databind.JsonNode;

/**
 * Whether this Directus's licence lets permissions carry rules (item filters, field limits, validation, presets):
 * Directus 12's Core licence does not ({@code custom_permission_rules_enabled: false}) and refuses them with
 * {@code RESOURCE_RESTRICTED}. Read from the licence itself ({@code GET /license}, as the admin), never guessed from
 * the version; {@link #UNKNOWN} where there is no such endpoint (Directus before 12), and then provisioning tries
 * each rule and relaxes the ones refused.
 */
enum PermissionRules {
    ALLOWED,
    REFUSED,
    UNKNOWN;

    static final String ENTITLEMENT = "custom_permission_rules_enabled";

    static PermissionRules of(DirectusAdminClient client) {
        JsonNode licence;
        try {
            licence = client.get("/license");
        } catch (DirectusException e) {
            if (e.status() == 403 || e.status() == 404) {
                return UNKNOWN;
            }
            throw e;
        }
        JsonNode entitlement = licence.path("entitlements").path(ENTITLEMENT);
        JsonNode override = entitlement.path("override");
        JsonNode value = override.isBoolean() ? override : entitlement.path("default");
        if (!value.isBoolean()) {
            return UNKNOWN;
        }
        return value.asBoolean() ? ALLOWED : REFUSED;
    }
}
