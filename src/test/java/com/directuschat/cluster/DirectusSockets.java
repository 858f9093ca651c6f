package com.directuschat.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which users have a realtime socket open on one Directus process, read from its log: with {@code LOG_LEVEL=trace}
 * Directus logs each socket's authentication with the user id, and its close. This is how the cluster test knows
 * which Directus serves whom, whatever the balancer chose.
 */
final class DirectusSockets {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern AUTHENTICATED = Pattern.compile("^WebSocket#(\\S+) authenticated as (\\{.*})$");
    private static final Pattern ENDED =
            Pattern.compile("^WebSocket#(\\S+) (connection closed|connection errored|failed authentication)$");

    private DirectusSockets() {}

    /** Directus user ids with an open, authenticated socket (one entry per socket). */
    static Collection<String> openUsers(Path log) {
        Map<String, String> open = new LinkedHashMap<>();
        for (String line : lines(log)) {
            if (line.startsWith("=== start")) { // LocalDirectus marks each start: the sockets before it are gone
                open.clear();
                continue;
            }
            if (!line.startsWith("{") || !line.contains("WebSocket#")) {
                continue;
            }
            String msg;
            try {
                msg = JSON.readTree(line).path("msg").asString("");
            } catch (JacksonException e) {
                continue; // the line being written right now
            }
            Matcher auth = AUTHENTICATED.matcher(msg);
            if (auth.matches()) {
                JsonNode user = JSON.readTree(auth.group(2)).path("user");
                if (user.isString()) {
                    open.put(auth.group(1), user.asString());
                }
                continue;
            }
            Matcher ended = ENDED.matcher(msg);
            if (ended.matches()) {
                open.remove(ended.group(1));
            }
        }
        return List.copyOf(open.values());
    }

    private static List<String> lines(Path log) {
        try {
            return Files.readAllLines(log);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
