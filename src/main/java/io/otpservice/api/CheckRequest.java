package io.otpservice.api;

/** Body of POST /v1/verifications/{id}/check. */
public record CheckRequest(String code, String session) {
}
