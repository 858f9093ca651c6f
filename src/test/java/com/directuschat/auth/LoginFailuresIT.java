package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestUsers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Accounts Directus will not log in with a password alone: each gets its own message. */
@DirectusTest
class LoginFailuresIT {

    @LocalServerPort
    int port;

    private String loginError(String email, String password) {
        ChatClient client = new ChatClient("http://127.0.0.1:" + port);
        HttpResponse<String> login = client.login(email, password);
        String location = login.headers().firstValue("Location").orElseThrow();
        assertThat(location).contains("/login?error=");
        return client.get(location.substring(location.indexOf("/login"))).body();
    }

    @Test
    void anAccountWithTwoFactorAuthenticationIsToldSo() {
        // Enabling 2FA updates one's own user, which chat users may not do: use an account that may.
        String email = "otp-" + java.util.UUID.randomUUID() + "@example.com";
        String url = TestDirectus.shared().url();
        String admin = TestDirectus.adminToken();
        String adminRole = DirectusRest.call(
                        url, "GET", "/roles?filter%5Bname%5D%5B_eq%5D=Administrator&fields=id", admin, null)
                .path("data")
                .path(0)
                .path("id")
                .asString();
        DirectusRest.call(
                url,
                "POST",
                "/users",
                admin,
                "{\"email\":\"" + email + "\",\"password\":\"" + TestUsers.USER_PASSWORD + "\",\"role\":\"" + adminRole
                        + "\"}");
        String token = TestDirectus.loginToken(email, TestUsers.USER_PASSWORD);
        String secret = DirectusRest.call(
                        url,
                        "POST",
                        "/users/me/tfa/generate",
                        token,
                        "{\"password\":\"" + TestUsers.USER_PASSWORD + "\"}")
                .path("data")
                .path("secret")
                .asString();
        DirectusRest.call(
                url,
                "POST",
                "/users/me/tfa/enable",
                token,
                "{\"secret\":\"" + secret + "\",\"otp\":\"" + totp(secret) + "\"}");
        assertThat(loginError(email, TestUsers.USER_PASSWORD)).contains("needs a one-time password");
    }

    @Test
    void aSuspendedAccountIsRefused() {
        // A user of its own: the numbered ones are shared by every test on this Directus.
        String email = "suspended-" + java.util.UUID.randomUUID() + "@example.com";
        DirectusRest.call(
                TestDirectus.shared().url(),
                "POST",
                "/users",
                TestDirectus.adminToken(),
                "{\"email\":\"" + email + "\",\"password\":\"" + TestUsers.USER_PASSWORD
                        + "\",\"status\":\"suspended\"}");
        String page = loginError(email, TestUsers.USER_PASSWORD);
        assertThat(page)
                .doesNotContain("needs a one-time password")
                .containsAnyOf("Directus refused the login.", "Wrong email or password.");
    }

    @Test
    void anUnknownEmailIsWrongCredentials() {
        assertThat(loginError("nobody@example.com", "whatever")).contains("Wrong email or password.");
    }

    /** RFC 6238 code for now, as an authenticator app would show it. */
    private static String totp(String base32Secret) {
        byte[] key = base32(base32Secret);
        long counter = System.currentTimeMillis() / 1000 / 30;
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA1"));
            byte[] hash =
                    mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24)
                    | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8)
                    | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace("=", "").toUpperCase().toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
