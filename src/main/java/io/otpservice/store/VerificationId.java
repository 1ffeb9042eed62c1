package io.otpservice.store;

import java.util.Optional;

/**
 * A well-formed verification id: {@code VE} + 32 hex digits, the first 4 being the recipient's hash
 * tag (so an id alone finds its slot) and the other 28 random (112 bits). Checked once, where an id
 * enters the service; everything past that point holds a {@code VerificationId}.
 */
public record VerificationId(String value) {

    private static final int LENGTH = 34;

    public VerificationId {
        if (!wellFormed(value)) {
            throw new IllegalArgumentException("not a verification id");
        }
    }

    public static Optional<VerificationId> parse(String text) {
        return wellFormed(text) ? Optional.of(new VerificationId(text)) : Optional.empty();
    }

    /**
     * Whether {@code text} is {@code VE} and 32 lower-case hex digits. Checked by hand: an id is checked
     * two or three times per request, and the regular expression was 2-3 % of a check's CPU.
     */
    public static boolean wellFormed(String text) {
        if (text == null || text.length() != LENGTH || text.charAt(0) != 'V' || text.charAt(1) != 'E') {
            return false;
        }
        for (int i = 2; i < LENGTH; i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    public static VerificationId of(String tag, String randomHex28) {
        return new VerificationId("VE" + tag + randomHex28);
    }

    public String tag() {
        return value.substring(2, 6);
    }

    @Override
    public String toString() {
        return value;
    }
}
