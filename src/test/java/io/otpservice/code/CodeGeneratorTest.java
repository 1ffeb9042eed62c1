package io.otpservice.code;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeGeneratorTest {

    private final CodeGenerator generator = new CodeGenerator();

    @Test
    void codesHaveTheAskedLengthWithLeadingZerosKept() {
        for (int length = 4; length <= 10; length++) {
            for (int i = 0; i < 200; i++) {
                assertThat(generator.code(length)).hasSize(length).containsOnlyDigits();
            }
        }
        assertThatThrownBy(() -> generator.code(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.code(11)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyDigitAtEveryPositionIsEquallyLikely() {
        int draws = 100_000;
        int[][] counts = new int[6][10];
        for (int i = 0; i < draws; i++) {
            String code = generator.code(6);
            for (int p = 0; p < 6; p++) {
                counts[p][code.charAt(p) - '0']++;
            }
        }
        // chi-square with 9 degrees of freedom; 27.88 is the 0.001 critical value
        for (int p = 0; p < 6; p++) {
            double expected = draws / 10.0;
            double chi = 0;
            for (int d = 0; d < 10; d++) {
                chi += Math.pow(counts[p][d] - expected, 2) / expected;
            }
            assertThat(chi).as("position %d", p).isLessThan(27.88);
        }
    }
}
