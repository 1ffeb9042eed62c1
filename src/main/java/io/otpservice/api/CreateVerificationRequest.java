package io.otpservice.api;

/** Body of POST /v1/verifications. */
public record CreateVerificationRequest(String to, String channel, String purpose, String locale, String session,
                                        String clientIp) {
}
