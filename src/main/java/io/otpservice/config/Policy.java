package io.otpservice.config;

import java.time.Duration;

/** The resolved rules of one purpose. */
public record Policy(String name, Duration ttl, int codeLength, int maxAttempts, int maxSends) {
}
