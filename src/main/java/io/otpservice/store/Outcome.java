package io.otpservice.store;

import java.time.Duration;
import java.time.Instant;

/**
 * What a state-changing script decided. {@code verification} is set for CREATED, EXISTING, RESENT and
 * APPROVED; {@code retryIn} for the limits; {@code limit} names the limit of RATE_LIMITED; channel and
 * purpose (for metrics) come with INCORRECT and TOO_MANY_ATTEMPTS.
 */
public record Outcome(Kind kind, StoredVerification verification, Instant now, Duration retryIn, String limit,
                      int attemptsRemaining, String otherId, String channel, String purpose) {

    public enum Kind {
        CREATED, EXISTING, RESEND_EXISTING, RESENT, APPROVED, CANCELED, INCORRECT, NOT_FOUND,
        TOO_MANY_ATTEMPTS, RESEND_TOO_SOON, MAX_SENDS, RATE_LIMITED, SAME_CODE
    }

    static Outcome of(Kind kind) {
        return new Outcome(kind, null, null, null, null, 0, null, null, null);
    }
}
