package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The token key as configured: what a deployment must set, and what a run from the source tree may leave out. */
class TokenCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void aConfiguredKeySealsAndOpensForTheSameLoginOnly() {
        TokenCipher cipher = TokenCipher.fromConfiguration(KEY, false);
        String sealed = cipher.seal("login-1", "the pair");
        assertThat(sealed).startsWith("v1:").doesNotContain("the pair");
        assertThat(cipher.seal("login-1", "the pair")).as("a nonce of its own").isNotEqualTo(sealed);
        assertThat(TokenCipher.fromConfiguration(" " + KEY + "\n", false).open("login-1", sealed))
                .isEqualTo("the pair");
        assertThat(cipher.open("login-2", sealed)).isNull();
    }

    @Test
    void withoutAKeyOnlyARunFromTheSourceTreeStarts() {
        assertThatThrownBy(() -> TokenCipher.fromConfiguration(null, false))
                .isInstanceOf(TokenCipher.KeyProblem.class)
                .hasMessageContaining("chat.login.token-key is not set");
        assertThatThrownBy(() -> TokenCipher.fromConfiguration(" ", false)).isInstanceOf(TokenCipher.KeyProblem.class);
        TokenCipher madeUp = TokenCipher.fromConfiguration(null, true);
        assertThat(madeUp.open("login-1", madeUp.seal("login-1", "pair"))).isEqualTo("pair");
        assertThat(TokenCipher.fromConfiguration(null, true).open("login-1", madeUp.seal("login-1", "pair")))
                .as("each run makes up its own")
                .isNull();
        // These tests run from target/test-classes, the main classes from target/classes.
        assertThat(TokenCipher.runsFromSourceTree()).isTrue();
    }

    @Test
    void aStartStoppedForTheKeySaysWhatToSet() {
        FailureAnalysis analysis = new TokenKeyFailureAnalyzer()
                .analyze(new BeanCreationException(
                        "logins", "Failed", new TokenCipher.KeyProblem("chat.login.token-key is not set")));
        assertThat(analysis.getDescription()).isEqualTo("chat.login.token-key is not set.");
        assertThat(analysis.getAction()).contains("CHAT_LOGIN_TOKEN_KEY").contains("openssl rand -base64 32");
    }

    @Test
    void aKeyThatIsNot256BitsOfBase64IsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> TokenCipher.fromConfiguration("not base64!", false))
                .isInstanceOf(TokenCipher.KeyProblem.class)
                .hasMessageContaining("not base64");
        assertThatThrownBy(
                        () -> TokenCipher.fromConfiguration(Base64.getEncoder().encodeToString(new byte[16]), true))
                .isInstanceOf(TokenCipher.KeyProblem.class)
                .hasMessageContaining("16 bytes long; it must be 32");
    }
}
