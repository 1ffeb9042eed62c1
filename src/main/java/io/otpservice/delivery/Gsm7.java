package io.otpservice.delivery;

/** The GSM 03.38 alphabet of SMS: which texts fit it, and how many septets they take. */
public final class Gsm7 {

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** Characters of the extension table: two septets each. */
    private static final String EXTENDED = "\f^{}\\[~]|€";

    private Gsm7() {
    }

    /** Whether every character of {@code text} is in the GSM-7 alphabet (so the SMS need not be UCS-2). */
    public static boolean fits(String text) {
        return septets(text) >= 0;
    }

    /** Septets {@code text} takes in GSM-7, or -1 when it needs UCS-2. */
    public static int septets(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) >= 0) {
                n++;
            } else if (EXTENDED.indexOf(c) >= 0) {
                n += 2;
            } else {
                return -1;
            }
        }
        return n;
    }

    /** Whether {@code text} is one SMS segment: 160 septets in GSM-7, else 70 UTF-16 units in UCS-2. */
    public static boolean oneSegment(String text) {
        int septets = septets(text);
        return septets >= 0 ? septets <= 160 : text.length() <= 70;
    }
}
