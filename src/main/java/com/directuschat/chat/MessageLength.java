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
 * At most {@code chat.max-message-length} Unicode code points once stripped. {@code @Size} counts UTF-16 units, so
 * it would take an emoji for two characters; and the limit is configuration, not a constant.
 */
@Documented
@Constraint(validatedBy = MessageLength.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@interface MessageLength {

    String message() default "The message is too long.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Made by Spring's validator factory, which gives it the properties. */
    final class Validator implements ConstraintValidator<MessageLength, String> {

        private final int max;

        Validator(ChatProperties properties) {
            this.max = properties.maxMessageLength();
        }

        @Override
        public boolean isValid(String content, ConstraintValidatorContext context) {
            if (content == null) {
                return true;
            }
            String text = content.strip();
            int length = text.codePointCount(0, text.length());
            if (length <= max) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            // Digits and commas only: nothing the message interpolation would read as an expression.
            context.buildConstraintViolationWithTemplate(String.format(
                            "Your message is %,d characters long; the limit is %,d. Shorten it and send again.",
                            length, max))
                    .addConstraintViolation();
            return false;
        }
    }
}
