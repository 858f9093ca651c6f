package com.directuschat.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing service skips locally and fails in CI; a present one does neither. */
class TestServiceTest {

    @Test
    void aMissingServiceSkipsLocallyAndFailsWhenRequired() {
        assertThatThrownBy(() -> TestService.require("Redis is missing", false, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessage("Redis is missing");
        assertThatThrownBy(() -> TestService.require("Redis is missing", false, true))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Redis is missing")
                .hasMessageContaining("-Dchat.test.require-services=true");
        assertThatCode(() -> TestService.require("Redis is missing", true, true))
                .doesNotThrowAnyException();
    }
}
