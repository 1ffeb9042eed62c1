package io.otpservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.otpservice.store.StoredVerification;
import io.otpservice.verification.VerificationService;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/** A verification as the API shows it: the recipient masked, never a code. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationView(String id, String to, String channel, String purpose, String status,
                               Instant createdAt, Instant expiresAt, int attemptsRemaining, int sendsRemaining,
                               Instant resendAvailableAt, DeliveryView delivery, String token,
                               Instant tokenExpiresAt) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryView(String status, String provider, int attempts, String lastError) {
    }

    static VerificationView of(StoredVerification v) {
        boolean pending = v.status() == StoredVerification.Status.PENDING;
        boolean canResend = pending && v.sends() < v.maxSends();
        StoredVerification.Delivery d = v.delivery();
        return new VerificationView(v.id().value(), v.maskedRecipient(), v.channel().wire(), v.purpose(),
                v.status().wire(), v.createdAt(), v.expiresAt(), pending ? Math.max(0, v.maxAttempts() - v.attempts()) : 0,
                canResend ? v.maxSends() - v.sends() : 0, canResend ? v.nextResendAt() : null,
                new DeliveryView(d.status().wire(), d.provider(), d.attempts(), d.lastError()), null, null);
    }

    /** An approved check: the verification with its signed token. */
    static VerificationView of(VerificationService.Approval approval) {
        VerificationView v = of(approval.verification());
        return new VerificationView(v.id, v.to, v.channel, v.purpose, v.status, v.createdAt, v.expiresAt,
                v.attemptsRemaining, v.sendsRemaining, v.resendAvailableAt, v.delivery, approval.token().jwt(),
                approval.token().expiresAt());
    }
}
