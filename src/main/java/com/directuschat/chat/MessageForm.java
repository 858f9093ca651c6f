package com.directuschat.chat;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.validation.BindingResult;

/**
 * The send form and the edit form: the message text as typed. It is sent stripped of leading and trailing white
 * space; the checks are on that: not blank, no control characters ({@link PlainText}), and at most
 * {@code chat.max-message-length} code points.
 */
record MessageForm(@PlainText @MessageLength String content) {

    /** The text to store. */
    String text() {
        return content.strip();
    }

    /**
     * Why the form cannot be taken, or null: {@code twice} when the text came more than once (binding would join
     * the values), else the first failed check.
     */
    static String problem(HttpServletRequest request, BindingResult errors, String twice) {
        String[] values = request.getParameterValues("content");
        if (values != null && values.length > 1) {
            return twice;
        }
        return errors.hasErrors() ? errors.getAllErrors().get(0).getDefaultMessage() : null;
    }
}
