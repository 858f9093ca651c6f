package com.directuschat.search;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.web.ClientTimeZone;
import com.directuschat.web.MessageTimes;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /search?q=…&before=…}: messages whose text contains {@code q}, in every room the user may read, newest
 * first, {@value #PAGE_SIZE} a page. Directus runs the search with the user's own token, so its policies decide
 * what is found. "More results" is keyset paging by id (the next page is {@code before=} the last id looked at), so
 * nothing is skipped or repeated however much is posted meanwhile. A page and its htmx part share the URL.
 */
@Controller
class SearchController {

    static final int PAGE_SIZE = 20;

    /** The room that also holds messages without one; the chat's default room (its {@code Rooms}). */
    static final String DEFAULT_ROOM = "general";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SearchController.class);

    private final DirectusClient directus;

    SearchController(DirectusClient directus) {
        this.directus = directus;
    }

    /** The page: the form with the query, and its results, the problem with it, or "No messages match". */
    @GetMapping("/search")
    ModelAndView page(DirectusAuthentication login, HttpServletRequest request) {
        return search("search/page", login, request);
    }

    /** "More results" with htmx: the next results appended to the list, and the next "More results". */
    @HxRequest
    @GetMapping("/search")
    ModelAndView more(DirectusAuthentication login, HttpServletRequest request) {
        return search("search/fragments :: more-answer", login, request);
    }

    private ModelAndView search(String view, DirectusAuthentication login, HttpServletRequest request) {
        String q = request.getParameter("q");
        ModelAndView answer = new ModelAndView(view);
        answer.addObject("user", login.getPrincipal());
        answer.addObject("q", q == null ? "" : q.strip());
        answer.addObject("results", List.of());
        if (q == null) {
            // The search box submitted nothing yet: the page with the form alone.
            return answer;
        }
        SearchQuery query = SearchQuery.of(q, request.getParameterValues("before"));
        answer.addObject("q", query.text());
        if (!query.valid()) {
            answer.setStatus(HttpStatus.BAD_REQUEST);
            answer.addObject("problem", query.problem());
            return answer;
        }
        List<ChatMessage> found;
        Map<Long, ChatRoom> rooms;
        Map<String, String> names;
        try {
            // One more than a page: whether it is there decides "More results".
            found = directus.searchMessages(login.tokens(), query.pieces(), query.before(), PAGE_SIZE + 1);
            rooms = found.isEmpty()
                    ? Map.of()
                    : directus.rooms(login.tokens(), DEFAULT_ROOM).stream()
                            .collect(Collectors.toMap(ChatRoom::id, Function.identity()));
            names = found.stream()
                            .anyMatch(m -> m.content() != null
                                    && MENTION.matcher(m.content()).find())
                    ? names(login)
                    : Map.of();
        } catch (DirectusException e) {
            return failed(answer, e, request);
        }
        boolean more = found.size() > PAGE_SIZE;
        List<ChatMessage> looked = more ? found.subList(0, PAGE_SIZE) : found;
        List<SearchResult> results = results(looked, query, rooms, names, ClientTimeZone.of(request), request);
        answer.addObject("results", results);
        answer.addObject("nextBefore", more ? looked.get(looked.size() - 1).id() : null);
        answer.addObject("noHits", results.isEmpty() && !more && query.before() == 0);
        answer.addObject("noMore", results.isEmpty() && !more && query.before() != 0);
        return answer;
    }

    /**
     * The messages as results. One in a room this user cannot open is left out, and so, where the query has
     * characters Directus's {@code LIKE} misreads, is one that does not contain the query as it is.
     */
    private static List<SearchResult> results(
            List<ChatMessage> messages,
            SearchQuery query,
            Map<Long, ChatRoom> rooms,
            Map<String, String> names,
            ZoneId zone,
            HttpServletRequest request) {
        Pattern pattern = Highlight.pattern(query.text());
        ChatRoom defaultRoom =
                rooms.values().stream().filter(ChatRoom::isDefault).findFirst().orElse(null);
        List<SearchResult> results = new ArrayList<>();
        for (ChatMessage message : messages) {
            ChatRoom room = message.room() == null ? defaultRoom : rooms.get(message.room());
            List<Highlight.Part> parts = Highlight.parts(named(message.content(), names), pattern);
            if (room == null || query.needsCheck() && !Highlight.anyMatch(parts)) {
                continue;
            }
            results.add(new SearchResult(
                    message.id(),
                    room.name(),
                    UriComponentsBuilder.fromPath(request.getContextPath() + "/rooms/{slug}")
                            .queryParam("around", message.id())
                            .fragment("m-" + message.id())
                            .encode()
                            .buildAndExpand(room.slug())
                            .toUriString(),
                    author(message),
                    message.createdAt() == null ? null : message.createdAt().toString(),
                    message.createdAt() == null ? "" : MessageTimes.shortTime(message.createdAt(), zone),
                    message.createdAt() == null ? "" : MessageTimes.fullTime(message.createdAt(), zone),
                    parts));
        }
        return results;
    }

    /**
     * A stored mention, {@code <@USER_ID>}, as the chat stores it (its {@code Mentions}): a result shows it as
     * "@First Last", or "@unknown user".
     */
    static final Pattern MENTION = Pattern.compile("<@([A-Za-z0-9_-]{1,64})>");

    /** The text with each mention as "@First Last" from {@code names} (user id to name). */
    static String named(String content, Map<String, String> names) {
        if (content == null) {
            return null;
        }
        return MENTION.matcher(content).replaceAll(token -> {
            String name = names.get(token.group(1));
            return java.util.regex.Matcher.quoteReplacement(
                    "@" + (name == null || name.isEmpty() ? "unknown user" : name));
        });
    }

    /** Every user's name by id, as the user reads them; none (mentions show "@unknown user") when that fails. */
    private Map<String, String> names(DirectusAuthentication login) {
        try {
            return directus.users(login.tokens()).stream()
                    .collect(Collectors.toMap(u -> u.id(), u -> name(u.firstName(), u.lastName()), (a, b) -> a));
        } catch (DirectusException e) {
            log.info("Names for the mentions in search results could not be read: {}", e.getMessage());
            return Map.of();
        }
    }

    /** First and last name, as the chat shows them. */
    static String author(ChatMessage message) {
        String name = name(message.authorFirstName(), message.authorLastName());
        return name.isEmpty() ? "Unknown user" : name;
    }

    private static String name(String first, String last) {
        return Stream.of(first, last)
                .filter(part -> part != null && !part.isBlank())
                .map(String::strip)
                .collect(Collectors.joining(" "));
    }

    private static ModelAndView failed(ModelAndView answer, DirectusException e, HttpServletRequest request) {
        if (e.isTokenRefused()) {
            request.getSession().invalidate();
            return new ModelAndView("redirect:/login?expired");
        }
        if (e.isForbidden()) {
            answer.setStatus(HttpStatus.FORBIDDEN);
            answer.addObject("problem", "Directus does not allow you to read the chat's messages.");
        } else {
            log.info("Search failed in Directus: {} {}", e.status(), e.getMessage());
            answer.setStatus(HttpStatus.SERVICE_UNAVAILABLE);
            answer.addObject("problem", "Search is unavailable: the chat cannot reach Directus right now. Try again.");
        }
        return answer;
    }
}
