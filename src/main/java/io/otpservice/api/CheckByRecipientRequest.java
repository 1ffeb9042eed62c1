package io.otpservice.api;

/** Body of POST /v1/verification-checks: the live verification of {@code to} and {@code purpose}. */
public record CheckByRecipientRequest(String to, String purpose, String code, String session) {
}
