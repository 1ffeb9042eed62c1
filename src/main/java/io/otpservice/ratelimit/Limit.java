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
    VERIFICATION_SENDS("verification-sends"),
    /** SMS to a number prefix whose codes are rarely entered: it is blocked ({@code otp.fraud.prefix-guard.*}). */
    PREFIX_GUARD("prefix-guard"),
    /** SMS sends to one destination country ({@code otp.fraud.country-sends.*}). */
    COUNTRY_SENDS("country-sends"),
    /** Creates through one API key, a tenant's budget ({@code otp.api-keys.<name>.creates}). */
    API_KEY_CREATES("api-key-creates");

    private final String wire;

    Limit(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Whether this is one of the abuse-protection rules (README "Abuse protection"), counted as a blocked send. */
    public boolean fraudRule() {
        return switch (this) {
            case PREFIX_GUARD, COUNTRY_SENDS, API_KEY_CREATES -> true;
            case RECIPIENT_SENDS, RECIPIENT_FAILURES, CLIENT_CREATES, VERIFICATION_SENDS -> false;
        };
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
