package io.otpservice.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
/** One field of a request that was not accepted, and why. */
@RegisterForReflection
public record FieldError(String field, String message) implements java.io.Serializable {
}
