package com.directuschat.chat;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Something to say, as text: not blank once stripped, and no control characters but tabs and line breaks.
 * {@code @NotBlank} trims only up to U+0020, so an ideographic space (U+3000) passed it and was stored as an empty
 * message once stripped; and NUL or other control characters have no business in a chat message (PostgreSQL, under
 * Directus, cannot even store NUL in text).
 */
@Documented
@Constraint(validatedBy = PlainText.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@interface PlainText {

    String message() default "Type a message first.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Blank by {@link String#strip()}'s rule, which is what is stored; control characters by Unicode's. */
    final class Validator implements ConstraintValidator<PlainText, String> {

        static final String CONTROL = "Your message has control characters in it, which a chat message cannot hold. "
                + "Remove them and send again.";

        @Override
        public boolean isValid(String content, ConstraintValidatorContext context) {
            if (content == null || content.isBlank()) {
                return false;
            }
            boolean control = content.codePoints()
                    .anyMatch(c -> Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r');
            if (!control) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(CONTROL).addConstraintViolation();
            return false;
        }
    }
}
