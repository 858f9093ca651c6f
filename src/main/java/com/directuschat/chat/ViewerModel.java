package com.directuschat.chat;

import com.directuschat.auth.ChatUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What the message fragment needs to know about the viewer, for every page and fragment of the chat package:
 * {@code viewerId} (their Directus user id: their own messages get Edit and Delete) and {@code messagesUrl}. Live
 * events get the same two from {@link Fragments}.
 */
@ControllerAdvice(basePackageClasses = ViewerModel.class)
class ViewerModel {

    @ModelAttribute("viewerId")
    String viewerId(@AuthenticationPrincipal ChatUser user) {
        return user == null ? null : user.id();
    }

    @ModelAttribute("messagesUrl")
    String messagesUrl(HttpServletRequest request) {
        return messagesUrl(request.getContextPath());
    }

    /** Where a message is edited or deleted ({@code <messagesUrl>/<id>}). */
    static String messagesUrl(String contextPath) {
        return contextPath + "/messages";
    }
}
