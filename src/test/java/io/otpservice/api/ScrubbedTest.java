package io.otpservice.api;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ScrubbedTest {

    @Test
    void aLoggedFailureKeepsClassesAndFramesButNoMessage() {
        IllegalStateException inner = new IllegalStateException("inner quotes +14155550188");
        IllegalArgumentException failure = new IllegalArgumentException("invalid hex byte 'zz' of 'To=%2B14155550188'", inner);
        inner.initCause(new RuntimeException("loop back", failure)); // a cycle must not loop

        Scrubbed scrubbed = Scrubbed.of(failure);
        StringWriter printed = new StringWriter();
        scrubbed.printStackTrace(new PrintWriter(printed));

        assertThat(printed.toString()).doesNotContain("14155550188").doesNotContain("zz").doesNotContain("loop back")
                .contains("java.lang.IllegalArgumentException").contains("java.lang.IllegalStateException")
                .contains("java.lang.RuntimeException").contains("ScrubbedTest.aLoggedFailureKeepsClassesAndFramesButNoMessage");
        assertThat(scrubbed.getStackTrace()).isEqualTo(failure.getStackTrace());
    }
}
