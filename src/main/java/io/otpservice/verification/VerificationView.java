package io.otpservice.verification;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.otpservice.store.StoredVerification;

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

    VerificationView withToken(String jwt, Instant expires) {
        return new VerificationView(id, to, channel, purpose, status, createdAt, expiresAt, attemptsRemaining,
                sendsRemaining, resendAvailableAt, delivery, jwt, expires);
    }

    static VerificationView of(StoredVerification v) {
        boolean pending = "pending".equals(v.status());
        boolean canResend = pending && v.sends() < v.maxSends();
        StoredVerification.Delivery d = v.delivery();
        return new VerificationView(v.id(), v.maskedRecipient(), v.channel(), v.purpose(), v.status(),
                v.createdAt(), v.expiresAt(), pending ? Math.max(0, v.maxAttempts() - v.attempts()) : 0,
                canResend ? v.maxSends() - v.sends() : 0, canResend ? v.nextResendAt() : null,
                new DeliveryView(d.status(), d.provider(), d.attempts(), d.lastError()), null, null);
    }
}
