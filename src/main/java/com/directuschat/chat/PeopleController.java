package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code GET /people?q=…}: the composer's mention suggestions, the options of its listbox ({@code chat/fragments ::
 * people}): at most {@link People#MAX_SUGGESTIONS} people whose first or last name starts with {@code q}, ignoring
 * case, from the people directory (read as the user). For logged-in users only, like every chat path; a {@code q}
 * longer than {@value #MAX_QUERY} characters, or given twice, is a 400.
 */
@Controller
class PeopleController {

    static final int MAX_QUERY = 64;

    private final People people;

    PeopleController(People people) {
        this.people = people;
    }

    @GetMapping("/people")
    ModelAndView suggestions(DirectusAuthentication login, HttpServletRequest request) {
        String[] values = request.getParameterValues("q");
        ModelAndView answer = new ModelAndView("chat/fragments :: people");
        if (values != null && (values.length > 1 || values[0].length() > MAX_QUERY)) {
            answer.setStatus(HttpStatus.BAD_REQUEST);
            answer.addObject("people", List.of());
            return answer;
        }
        String q = values == null ? "" : values[0];
        answer.addObject("people", people.current(login.tokens()).matching(q));
        return answer;
    }
}
