package io.otpservice.api;

import java.util.List;

/** Failures of the HTTP edge itself (the request, the key); the lifecycle's own are VerificationException. */
public abstract sealed class ApiException extends RuntimeException {

    ApiException(String detail) {
        super(detail, null, false, false);
    }

    /** A malformed body or a bad field; {@code errors} names each field and why. */
    public static final class InvalidRequest extends ApiException {
        private final List<FieldError> errors;

        public InvalidRequest(String detail, List<FieldError> errors) {
            super(detail);
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    public static final class Unauthorized extends ApiException {
        public Unauthorized() {
            super("Send a valid API key as 'Authorization: Bearer <key>'.");
        }
    }

    public static final class Forbidden extends ApiException {
        public Forbidden(String scope) {
            super("This API key lacks the scope " + scope + ".");
        }
    }

    public static final class PayloadTooLarge extends ApiException {
        public PayloadTooLarge(int limit) {
            super("The request body is over " + limit + " bytes.");
        }
    }
}
