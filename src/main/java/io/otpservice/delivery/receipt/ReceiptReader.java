package io.otpservice.delivery.receipt;

/**
 * One provider's delivery receipts: checks the signature, then reads what the receipt says. Each
 * SMS provider has one; a new provider adds a class implementing this.
 */
public interface ReceiptReader {

    /** The provider's name, as in {@code otp.sms.providers} and the callback path. */
    String provider();

    /** @throws ReceiptRejected when the signature does not hold or the body cannot be read */
    Receipt read(IncomingReceipt in);
}
