/**
 * Idempotent Directus setup (collections, policy, role, users, demo history) with admin rights, at start or as the
 * {@code --provision} command; on the same REST client as the chat.
 */
@ApplicationModule(displayName = "Provision", allowedDependencies = "directus :: rest")
package com.directuschat.provision;

import org.springframework.modulith.ApplicationModule;
