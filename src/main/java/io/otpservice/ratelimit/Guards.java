package io.otpservice.ratelimit;

/**
 * The abuse-protection rules one create or send is held to: the conversion guard of the number
 * {@code prefix}, the send budget of the destination {@code country} (an SMS's; when one is
 * configured), the create budget of the {@code apiKey} (its configured name, when it has one). A null
 * part is not held (not configured, e-mail, or an exempt recipient); the windows come from
 * {@link Limits}.
 */
public record Guards(String prefix, String country, String apiKey) {

    /** Held to none: test recipients, the safe list, or nothing configured. */
    public static final Guards NONE = new Guards(null, null, null);

    /** The same rules for a send that is not a create (a resend): no create budget. */
    public Guards sendsOnly() {
        return new Guards(prefix, country, null);
    }
}
