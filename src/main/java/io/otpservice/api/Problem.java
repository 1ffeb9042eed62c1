package io.otpservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.otpservice.api.ApiException.*;
import io.otpservice.delivery.receipt.ReceiptRejected;
import io.otpservice.store.StoreUnavailableException;
import io.otpservice.verification.VerificationException;
import io.otpservice.verification.VerificationException.*;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Duration;
import java.util.List;

/** An RFC 9457 problem with the stable {@code code} member: the body of every error answer. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code,
                      Integer attemptsRemaining, Long retryAfterSeconds, String limit, List<FieldError> errors) {

    public Problem {
        errors = errors == null ? null : List.copyOf(errors);
    }

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://otp-service.dev/problems/";

    static Problem of(String code, int status, String title, String detail) {
        return new Problem(TYPE_BASE + code, title, status, detail, code, null, null, null, null);
    }

    Problem withAttemptsRemaining(int remaining) {
        return new Problem(type, title, status, detail, code, remaining, retryAfterSeconds, limit, errors);
    }

    Problem withRetryAfter(Duration wait) {
        return new Problem(type, title, status, detail, code, attemptsRemaining, VerificationException.seconds(wait),
                limit, errors);
    }

    Problem withLimit(String name) {
        return new Problem(type, title, status, detail, code, attemptsRemaining, retryAfterSeconds, name, errors);
    }

    Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, code, attemptsRemaining, retryAfterSeconds, limit,
                fieldErrors.isEmpty() ? null : fieldErrors);
    }

    /** The problem of a lifecycle failure. */
    static Problem of(VerificationException e) {
        Problem p = switch (e) {
            case NotFound n -> of("not-found", 404, "Not found", e.getMessage());
            case IncorrectCode ic -> of("incorrect-code", 422, "Incorrect code", e.getMessage())
                    .withAttemptsRemaining(ic.attemptsRemaining());
            case TooManyAttempts t -> of("too-many-attempts", 429, "Too many attempts", e.getMessage());
            case ResendTooSoon r -> of("resend-too-soon", 429, "Resend too soon", e.getMessage());
            case RateLimited rl -> of("rate-limited", 429, "Rate limited", e.getMessage()).withLimit(rl.limit().wire());
            case ChannelNotAllowed c -> of("channel-not-allowed", 422, "Channel not allowed", e.getMessage())
                    .withErrors(c.reason().map(r -> List.of(new FieldError("to", r))).orElse(List.of()));
            case IdempotencyConflict i -> of("idempotency-conflict", 409, "Idempotency-Key conflict", e.getMessage());
            case DeliveryFailed d -> of("delivery-failed", 502, "Delivery failed", e.getMessage());
            case Unavailable u -> unavailable();
        };
        return e.retryAfter().map(p::withRetryAfter).orElse(p);
    }

    /** The problem of an edge failure. */
    static Problem of(ApiException e) {
        return switch (e) {
            case InvalidRequest ir -> of("invalid-request", 400, "Invalid request", e.getMessage()).withErrors(ir.errors());
            case Unauthorized u -> of("unauthorized", 401, "Unauthorized", e.getMessage());
            case Forbidden f -> of("forbidden", 403, "Forbidden", e.getMessage());
            case PayloadTooLarge p -> of("payload-too-large", 413, "Payload too large", e.getMessage());
        };
    }

    /** The problem of a refused delivery receipt. */
    static Problem of(ReceiptRejected e) {
        return switch (e) {
            case ReceiptRejected.BadSignature b -> of("forbidden", 403, "Forbidden", e.getMessage());
            case ReceiptRejected.Unreadable u -> of("invalid-request", 400, "Invalid request", e.getMessage());
        };
    }

    /** Redis is down or slow (no retry hint of its own: a second). */
    static Problem of(StoreUnavailableException e) {
        return unavailable().withRetryAfter(Duration.ofSeconds(1));
    }

    private static Problem unavailable() {
        return of("unavailable", 503, "Service unavailable", "A dependency is unavailable; retry shortly.");
    }
}
