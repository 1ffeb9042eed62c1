package io.otpservice.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VerificationIdTest {

    private static final String GOOD = "VE" + "0123456789abcdef".repeat(2);

    @Test
    void onlyVeAnd32LowerCaseHexDigitsIsAnId() {
        assertThat(VerificationId.parse(GOOD)).map(VerificationId::value).contains(GOOD);
        for (String bad : List.of("", "VE", GOOD.substring(0, 33), GOOD + "0", "ve" + GOOD.substring(2),
                "VF" + GOOD.substring(2), GOOD.replace('a', 'A'), GOOD.replace('f', 'g'),
                GOOD.replace('3', '\u0663'), GOOD.replace('0', '\uff10'), " " + GOOD.substring(1))) {
            assertThat(VerificationId.parse(bad)).as(bad).isEmpty();
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> new VerificationId(bad));
        }
        assertThat(VerificationId.parse(null)).isEmpty();
    }

    /** The hand-written check says what the pattern of the API's documentation says, for any text. */
    @Test
    void agreesWithThePatternOnRandomText() {
        Pattern documented = Pattern.compile("VE[0-9a-f]{32}");
        Random random = new Random(42);
        String alphabet = "VEve0123456789abcdefABCDEFgxyz-\u0663";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "VE" : "");
            int length = 30 + random.nextInt(6);
            while (text.length() < length) {
                text.append(random.nextInt(100) < 97 ? "0123456789abcdef".charAt(random.nextInt(16))
                        : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(VerificationId.wellFormed(text.toString())).as(text.toString())
                    .isEqualTo(documented.matcher(text).matches());
        }
    }
}
