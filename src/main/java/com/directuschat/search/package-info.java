/**
 * Message search: {@code GET /search?q=…}, run in Directus as the logged-in user (so it finds only what they may
 * read), newest first, paged by id; each result links to its room opened around the message. Renders only its own
 * templates ({@code search/…}); the chat page includes its search form.
 */
@ApplicationModule(
        displayName = "Search",
        allowedDependencies = {"auth", "directus :: rest", "web"})
package com.directuschat.search;

import org.springframework.modulith.ApplicationModule;
