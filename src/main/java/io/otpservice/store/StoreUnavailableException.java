package io.otpservice.store;

/** Redis did not answer in time or failed: the request cannot be served now. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
