package io.otpservice.ratelimit;

/** The limits a request can run into; {@link #wire()} is the {@code limit} member of a 429 problem. */
public enum Limit {
    /** Sends to one recipient ({@code otp.limits.recipient-sends}). */
    RECIPIENT_SENDS("recipient-sends"),
    /** Failed checks of one recipient, across verifications ({@code otp.limits.recipient-failures}). */
    RECIPIENT_FAILURES("recipient-failures"),
    /** Creates from one client address ({@code otp.limits.client-creates}). */
    CLIENT_CREATES("client-creates"),
    /** Sends of one verification ({@code otp.max-sends}). */
    VERIFICATION_SENDS("verification-sends");

    private final String wire;

    Limit(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Limit fromWire(String wire) {
        for (Limit limit : values()) {
            if (limit.wire.equals(wire)) {
                return limit;
            }
        }
        throw new IllegalArgumentException("unknown limit " + wire);
    }
}
