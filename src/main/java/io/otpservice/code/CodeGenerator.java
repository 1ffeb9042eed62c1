package io.otpservice.code;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Codes and ids from one {@link SecureRandom}. An instance field, created at run time: a
 * SecureRandom in a class initialised at build time would be frozen into a native image.
 */
public final class CodeGenerator {

    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
            10_000_000L, 100_000_000L, 1_000_000_000L, 10_000_000_000L};

    private final SecureRandom random = new SecureRandom();

    /** A code of {@code length} digits, uniform over all 10^length values (leading zeros kept). */
    public String code(int length) {
        if (length < 4 || length > 10) {
            throw new IllegalArgumentException("code length must be 4-10");
        }
        long value = random.nextLong(POWERS_OF_TEN[length]);
        String digits = Long.toString(value);
        return "0".repeat(length - digits.length()) + digits;
    }

    /** {@code bytes} random bytes as lowercase hex. */
    public String hex(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }

    public void nextBytes(byte[] buffer) {
        random.nextBytes(buffer);
    }
}
