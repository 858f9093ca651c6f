package com.directuschat.chat;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import com.directuschat.auth.DirectusAuthentication;

/**
 * What the message fragment needs to know about the viewer, for every page and fragment of the chat package:
 * {@code viewerId} (their Directus user id: their own messages get Edit and Delete) and {@code messagesUrl}. Live
 * events get the same two from {@link Fragments}.
 */
@ControllerAdvice(basePackageClasses = ViewerModel.class)
class ViewerModel {

    @ModelAttribute("viewerId")
    String viewerId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof DirectusAuthentication login ? login.getPrincipal().id() : null;
    }

    @ModelAttribute("messagesUrl")
    String messagesUrl(HttpServletRequest request) {
        return request.getContextPath() + "/messages";
    }
}
