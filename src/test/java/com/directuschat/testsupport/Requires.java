package com.directuschat.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The class or method needs these services: skipped locally when one is missing, failed in CI ({@link TestService}).
 * On a class, put it before {@code @DirectusTest}: extensions run in the order they are declared, so the check comes
 * before the app and its Directus start.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(Requires.Check.class)
public @interface Requires {

    TestService[] value();

    /** Checks {@link Requires} of the class before all its tests and of each method before it runs. */
    final class Check implements BeforeAllCallback, BeforeEachCallback {

        @Override
        public void beforeAll(ExtensionContext context) {
            AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Requires.class)
                    .ifPresent(Check::require);
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), Requires.class)
                    .ifPresent(Check::require);
        }

        private static void require(Requires requires) {
            for (TestService service : requires.value()) {
                service.require();
            }
        }
    }
}
