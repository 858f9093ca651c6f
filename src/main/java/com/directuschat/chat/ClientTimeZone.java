package com.directuschat.chat;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.DateTimeException;
import java.time.ZoneId;

/** The browser's time zone, reported by chat.js in the {@code tz} cookie; the server's zone until it does. */
final class ClientTimeZone {

    static final String COOKIE = "tz";

    private ClientTimeZone() {}

    static ZoneId of(HttpServletRequest request) {
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

    static ZoneId parse(String value) {
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
