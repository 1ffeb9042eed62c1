package io.otpservice.delivery;

/**
 * A provider could not take a message. The message is safe to store, log and show: it names the
 * provider and a status or error code, never a code, a recipient or a credential.
 */
public abstract sealed class DeliveryException extends RuntimeException {

    DeliveryException(String safeReason) {
        super(safeReason, null, false, false);
    }

    /** Worth retrying: 5xx, 429, a timeout, a refused or dropped connection. */
    public static final class Transient extends DeliveryException {
        public Transient(String safeReason) {
            super(safeReason);
        }
    }

    /**
     * The provider took part of the message and refused the rest (Vonage answers per part of a long SMS):
     * the code may have arrived, so the send stays counted; not retried, which would send the taken parts
     * again, though the next provider is tried.
     */
    public static final class PartlySent extends DeliveryException {
        public PartlySent(String safeReason) {
            super(safeReason);
        }
    }

    /** Retrying will not help: the provider refused this message (4xx, a rejected number, bad credentials). */
    public static final class Permanent extends DeliveryException {
        public Permanent(String safeReason) {
            super(safeReason);
        }
    }
}
