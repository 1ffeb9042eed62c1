package io.otpservice.verification;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** An RFC 9457 problem with the stable {@code code} member. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code,
                      Integer attemptsRemaining, Long retryAfterSeconds, String limit, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://otp-service.dev/problems/";

    static Problem of(DomainException e) {
        Integer remaining = e instanceof DomainException.IncorrectCode ic ? ic.attemptsRemaining() : null;
        String limit = e instanceof DomainException.RateLimited rl ? rl.limit() : null;
        List<FieldError> errors = e instanceof DomainException.InvalidRequest ir && !ir.errors().isEmpty()
                ? ir.errors() : null;
        return new Problem(TYPE_BASE + e.code(), e.title(), e.status(), e.getMessage(), e.code(), remaining,
                e.retryAfterSeconds(), limit, errors);
    }
}
