package io.otpservice.delivery.receipt;

/** A receipt that is not taken; the message never quotes the request. */
public abstract sealed class ReceiptRejected extends RuntimeException {

    ReceiptRejected(String detail) {
        super(detail, null, false, false);
    }

    /** Missing, stale or wrong signature: nothing changes. */
    public static final class BadSignature extends ReceiptRejected {
        public BadSignature() {
            super("The signature of this delivery receipt is missing, stale or wrong.");
        }
    }

    /** The body cannot be read as this provider's receipt. */
    public static final class Unreadable extends ReceiptRejected {
        public Unreadable(String detail) {
            super(detail);
        }
    }
}
