package com.directuschat.provision;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where and as whom to provision: {@code directus.url} plus either {@code directus.admin-token}
 * or {@code directus.admin-email} and {@code directus.admin-password}. Shares the {@code directus}
 * prefix with the app's own Directus settings on purpose, so one set of properties serves both.
 */
@ConfigurationProperties("directus")
public record ProvisionProperties(String url, String adminToken, String adminEmail, String adminPassword) {

    /** Admin client from whichever credentials are set (the token wins). */
    public DirectusAdminClient adminClient() {
        if (url == null || url.isBlank()) {
            throw new ProvisionException("directus.url is not set; pass --directus.url=https://your-directus");
        }
        if (adminToken != null && !adminToken.isBlank()) {
            return DirectusAdminClient.withToken(url, adminToken);
        }
        if (adminEmail == null || adminEmail.isBlank() || adminPassword == null || adminPassword.isBlank()) {
            throw new ProvisionException("No admin credentials: set directus.admin-token, or directus.admin-email"
                    + " and directus.admin-password");
        }
        return DirectusAdminClient.login(url, adminEmail, adminPassword);
    }

    @Override
    public String toString() {
        return "ProvisionProperties[url=" + url + ", adminEmail=" + adminEmail + "]"; // no secrets in logs
    }
}
