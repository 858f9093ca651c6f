package com.directuschat.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The browser's time zone, reported by chat.js in the {@code tz} cookie; the server's zone until it does. Here in
 * {@code web} because every page that shows times (the chat's, search results) renders them in it.
 */
public final class ClientTimeZone {

    public static final String COOKIE = "tz";

    private ClientTimeZone() {}

    public static ZoneId of(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    return parse(cookie.getValue());
                }
            }
        }
        return ZoneId.systemDefault();
    }

    public static ZoneId parse(String value) {
        if (value == null || value.length() > 64) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
        } catch (DateTimeException | IllegalArgumentException e) {
            return ZoneId.systemDefault();
        }
    }
}
