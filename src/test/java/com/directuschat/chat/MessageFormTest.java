package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The send and edit form's checks, with the texts the composer shows. */
class MessageFormTest {

    /** As Spring's validator factory does: the length check gets the properties (a limit of 2,000). */
    static final ValidatorFactory FACTORY = Validation.byDefaultProvider()
            .configure()
            .constraintValidatorFactory(new ConstraintValidatorFactory() {
                private final ConstraintValidatorFactory standard =
                        Validation.byDefaultProvider().configure().getDefaultConstraintValidatorFactory();

                @Override
                @SuppressWarnings("unchecked")
                public <T extends ConstraintValidator<?, ?>> T getInstance(Class<T> key) {
                    return key == MessageLength.Validator.class
                            ? (T) new MessageLength.Validator(ChatTestSupport.properties(Duration.ofMinutes(1)))
                            : standard.getInstance(key);
                }

                @Override
                public void releaseInstance(ConstraintValidator<?, ?> instance) {}
            })
            .buildValidatorFactory();

    static final Validator VALIDATOR = FACTORY.getValidator();

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    private static List<String> problems(String content) {
        return VALIDATOR.validate(new MessageForm(content)).stream()
                .map(ConstraintViolation::getMessage)
                .toList();
    }

    @Test
    void refusesEmptyAndWhitespaceOnly() {
        assertThat(problems(null)).containsExactly("Type a message first.");
        assertThat(problems("")).containsExactly("Type a message first.");
        assertThat(problems(" \n\t ")).containsExactly("Type a message first.");
        // Blank as strip() sees it, which is what would be stored: @NotBlank took these for text.
        assertThat(problems("\u3000")).containsExactly("Type a message first.");
        assertThat(problems("\u2003\n\u2028")).containsExactly("Type a message first.");
    }

    @Test
    void refusesControlCharactersButTabsAndLineBreaks() {
        for (String text :
                new String[] {"a\u0000b", "\u0000", "bell\u0007", "esc\u001B[31m", "del\u007F", "c1\u0085"}) {
            assertThat(problems(text)).as(text).containsExactly(PlainText.Validator.CONTROL);
        }
        assertThat(problems("line\r\nbreak\tand tab")).isEmpty();
        assertThat(problems("emoji 😀, RTL \u202Eok, zero-width \u200B joiner")).isEmpty();
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        String emoji = "😀".repeat(2000);
        assertThat(emoji.length()).isEqualTo(4000);
        assertThat(problems(emoji)).isEmpty();
        assertThat(problems(emoji + "😀"))
                .containsExactly(
                        "Your message is 2,001 characters long; the limit is 2,000. Shorten it and send again.");
    }

    @Test
    void acceptsUpToTheLimitOnceStripped() {
        assertThat(problems("a".repeat(2000))).isEmpty();
        assertThat(problems("  " + "a".repeat(2000) + "\n")).isEmpty();
        assertThat(problems("a".repeat(2001))).hasSize(1);
        assertThat(new MessageForm("  hello \n").text()).isEqualTo("hello");
    }

    @Test
    void aMessageIsNeverReadAsAnExpression() {
        // The length message is built from numbers only; a long text full of template syntax stays out of it.
        String tricky = "${1+1} {max} #{x} ".repeat(200);
        assertThat(problems(tricky)).singleElement().asString().startsWith("Your message is 3,599 characters long");
    }
}
