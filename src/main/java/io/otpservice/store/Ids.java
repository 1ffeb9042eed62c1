package io.otpservice.store;

import java.util.regex.Pattern;

/**
 * Verification ids: {@code VE} + 32 hex digits, the first 4 being the recipient's hash tag (so an
 * id alone finds its slot) and the other 28 random (112 bits).
 */
public final class Ids {

    private static final Pattern FORMAT = Pattern.compile("VE[0-9a-f]{32}");

    private Ids() {
    }

    public static String of(String tag, String randomHex28) {
        return "VE" + tag + randomHex28;
    }

    public static boolean valid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    public static String tag(String id) {
        return id.substring(2, 6);
    }
}
