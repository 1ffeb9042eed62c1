package io.otpservice.store;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A well-formed verification id: {@code VE} + 32 hex digits, the first 4 being the recipient's hash
 * tag (so an id alone finds its slot) and the other 28 random (112 bits). Checked once, where an id
 * enters the service; everything past that point holds a {@code VerificationId}.
 */
public record VerificationId(String value) {

    private static final Pattern FORMAT = Pattern.compile("VE[0-9a-f]{32}");

    public VerificationId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a verification id");
        }
    }

    public static Optional<VerificationId> parse(String text) {
        return text != null && FORMAT.matcher(text).matches() ? Optional.of(new VerificationId(text)) : Optional.empty();
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
