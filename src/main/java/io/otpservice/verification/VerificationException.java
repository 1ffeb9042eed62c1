package io.otpservice.verification;

import io.otpservice.ratelimit.Limit;
import io.otpservice.store.VerificationId;

import java.time.Duration;
import java.util.Optional;

/**
 * The named ways a lifecycle step fails. Each edge (the v1 problem mapper, the Twilio-style API)
 * maps them with an exhaustive switch. Messages are the detail shown to the caller: they never hold a
 * code, a key or a recipient.
 */
public abstract sealed class VerificationException extends RuntimeException {

    VerificationException(String detail) {
        super(detail, null, false, false);
    }

    /** When the caller may retry, for answers that have one. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /** Unknown, expired, canceled, approved or failed: one answer for all, so there is no oracle. */
    public static final class NotFound extends VerificationException {
        public NotFound() {
            this("No pending verification with this id: it is unknown, expired, canceled or already approved.");
        }

        public NotFound(String detail) {
            super(detail);
        }
    }

    public static final class IncorrectCode extends VerificationException {
        private final int attemptsRemaining;
        private final transient VerificationId verification;

        /** {@code verification}: the one the attempt was counted against (a check by recipient finds it). */
        public IncorrectCode(int attemptsRemaining, VerificationId verification) {
            super(attemptsRemaining > 0 ? "The code is not right."
                    : "The code is not right and no attempts remain: the verification has failed.");
            this.attemptsRemaining = attemptsRemaining;
            this.verification = verification;
        }

        public int attemptsRemaining() {
            return attemptsRemaining;
        }

        public VerificationId verification() {
            return verification;
        }
    }

    public static final class TooManyAttempts extends VerificationException {
        private final Duration wait;

        public TooManyAttempts(Duration wait) {
            super("The maximum number of checks was reached; the verification has failed. Start a new one.");
            this.wait = wait;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(wait);
        }
    }

    public static final class ResendTooSoon extends VerificationException {
        private final Duration wait;

        public ResendTooSoon(Duration wait) {
            super("A new code can be sent in " + seconds(wait) + " s.");
            this.wait = wait;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(wait);
        }
    }

    public static final class RateLimited extends VerificationException {
        private final Limit limit;
        private final Duration wait;

        public RateLimited(Limit limit, Duration wait) {
            super(detail(limit, wait));
            this.limit = limit;
            this.wait = wait;
        }

        private static String detail(Limit limit, Duration wait) {
            String retry = "; retry in " + seconds(wait) + " s.";
            return switch (limit) {
                case PREFIX_GUARD -> "SMS to this number range is paused: too few of the codes sent to it were entered"
                        + retry;
                case COUNTRY_SENDS -> "The SMS budget for this country is spent" + retry;
                case API_KEY_CREATES -> "The create budget of this API key is spent" + retry;
                case RECIPIENT_SENDS, RECIPIENT_FAILURES, CLIENT_CREATES, VERIFICATION_SENDS ->
                        "The " + limit.wire() + " limit is reached" + retry;
            };
        }

        public Limit limit() {
            return limit;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(wait);
        }
    }

    /** The channel is disabled, or this recipient may not receive it; {@code reason} is about the {@code to} field. */
    public static final class ChannelNotAllowed extends VerificationException {
        private final String reason;

        public ChannelNotAllowed(String detail, String reason) {
            super(detail);
            this.reason = reason;
        }

        public Optional<String> reason() {
            return Optional.ofNullable(reason);
        }
    }

    public static final class IdempotencyConflict extends VerificationException {
        public IdempotencyConflict(String detail) {
            super(detail);
        }
    }

    /**
     * No provider confirmed the code; the send was taken back. {@code mayArrive}: a provider may have
     * taken it (a timeout, a lost connection, some parts taken), and the send stays counted.
     */
    public static final class DeliveryFailed extends VerificationException {
        private final boolean mayArrive;

        public DeliveryFailed(boolean mayArrive) {
            super(mayArrive
                    ? "No provider confirmed the code; a provider timed out, so it may still arrive, and this send"
                    + " counts against the limits. Retry later."
                    : "Every provider failed to deliver the code; the send was not counted. Retry later.");
            this.mayArrive = mayArrive;
        }

        public boolean mayArrive() {
            return mayArrive;
        }
    }

    /** A dependency is down: Redis, or every provider's circuit. */
    public static final class Unavailable extends VerificationException {
        private final Duration wait;

        public Unavailable(Duration wait) {
            super("A dependency is unavailable; retry shortly.");
            this.wait = wait;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(wait);
        }
    }

    /** Whole seconds, rounded up, at least 1: the unit of Retry-After. */
    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
