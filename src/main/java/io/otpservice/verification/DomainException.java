package io.otpservice.verification;

import java.time.Duration;
import java.util.List;

/**
 * The named failures of the API; {@link ProblemMapper} turns each into its RFC 9457 problem.
 * Messages never hold a code, a key or a recipient.
 */
public abstract sealed class DomainException extends RuntimeException {

    private final String code;
    private final int status;
    private final String title;

    DomainException(String code, int status, String title, String detail) {
        super(detail, null, false, false);
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Seconds for Retry-After, when the answer is one to retry later. */
    public Long retryAfterSeconds() {
        return null;
    }

    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    public static final class InvalidRequest extends DomainException {
        private final List<FieldError> errors;

        public InvalidRequest(String detail, List<FieldError> errors) {
            super("invalid-request", 400, "Invalid request", detail);
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    public static final class Unauthorized extends DomainException {
        public Unauthorized() {
            super("unauthorized", 401, "Unauthorized", "Send a valid API key as 'Authorization: Bearer <key>'.");
        }
    }

    public static final class Forbidden extends DomainException {
        public Forbidden(String scope) {
            super("forbidden", 403, "Forbidden", "This API key lacks the scope " + scope + ".");
        }
    }

    public static final class NotFound extends DomainException {
        public NotFound() {
            super("not-found", 404, "Not found",
                    "No pending verification with this id: it is unknown, expired, canceled or already approved.");
        }

        public NotFound(String detail) {
            super("not-found", 404, "Not found", detail);
        }
    }

    public static final class IncorrectCode extends DomainException {
        private final int attemptsRemaining;

        public IncorrectCode(int attemptsRemaining) {
            super("incorrect-code", 422, "Incorrect code", attemptsRemaining > 0
                    ? "The code is not right."
                    : "The code is not right and no attempts remain: the verification has failed.");
            this.attemptsRemaining = attemptsRemaining;
        }

        public int attemptsRemaining() {
            return attemptsRemaining;
        }
    }

    public static final class TooManyAttempts extends DomainException {
        private final Duration wait;

        public TooManyAttempts(Duration wait) {
            super("too-many-attempts", 429, "Too many attempts",
                    "The maximum number of checks was reached; the verification has failed. Start a new one.");
            this.wait = wait;
        }

        @Override
        public Long retryAfterSeconds() {
            return seconds(wait);
        }
    }

    public static final class ResendTooSoon extends DomainException {
        private final Duration wait;

        public ResendTooSoon(Duration wait) {
            super("resend-too-soon", 429, "Resend too soon", "A new code can be sent in " + seconds(wait) + " s.");
            this.wait = wait;
        }

        @Override
        public Long retryAfterSeconds() {
            return seconds(wait);
        }
    }

    public static final class RateLimited extends DomainException {
        private final Duration wait;
        private final String limit;

        public RateLimited(String limit, Duration wait) {
            super("rate-limited", 429, "Rate limited", "The " + limit + " limit is reached; retry in "
                    + seconds(wait) + " s.");
            this.wait = wait;
            this.limit = limit;
        }

        public String limit() {
            return limit;
        }

        @Override
        public Long retryAfterSeconds() {
            return seconds(wait);
        }
    }

    public static final class ChannelNotAllowed extends DomainException {
        public ChannelNotAllowed(String detail) {
            super("channel-not-allowed", 422, "Channel not allowed", detail);
        }
    }

    public static final class IdempotencyConflict extends DomainException {
        public IdempotencyConflict(String detail) {
            super("idempotency-conflict", 409, "Idempotency-Key conflict", detail);
        }
    }

    public static final class PayloadTooLarge extends DomainException {
        public PayloadTooLarge(int limit) {
            super("payload-too-large", 413, "Payload too large", "The request body is over " + limit + " bytes.");
        }
    }

    public static final class DeliveryFailed extends DomainException {
        public DeliveryFailed() {
            super("delivery-failed", 502, "Delivery failed",
                    "Every provider failed to deliver the code; the send was not counted. Retry later.");
        }
    }

    public static final class Unavailable extends DomainException {
        private final Duration wait;

        public Unavailable() {
            this(Duration.ofSeconds(1));
        }

        public Unavailable(Duration wait) {
            super("unavailable", 503, "Service unavailable", "A dependency is unavailable; retry shortly.");
            this.wait = wait;
        }

        @Override
        public Long retryAfterSeconds() {
            return seconds(wait);
        }
    }

    public static final class BadSignature extends DomainException {
        public BadSignature() {
            super("forbidden", 403, "Forbidden", "The signature of this delivery receipt is missing, stale or wrong.");
        }
    }

    public static final class HttpError extends DomainException {
        public HttpError(String code, int status, String title, String detail) {
            super(code, status, title, detail);
        }
    }
}
