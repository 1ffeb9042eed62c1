package io.otpservice.delivery;

import io.otpservice.recipient.Channel;

import java.time.Duration;

/**
 * One code to deliver. {@code reference} names this send ({@code <id>.<send number>}) so a receipt
 * can find it again. {@link #toString()} leaves out the code and the recipient.
 */
public record Message(String verificationId, String reference, Channel channel, String recipient,
                      String maskedRecipient, String code, String locale, String purpose, Duration validFor) {

    @Override
    public String toString() {
        return "Message[" + reference + " " + channel + " to " + maskedRecipient + "]";
    }
}
