package io.otpservice.delivery;

/** One code to deliver. {@link #toString()} leaves out the code and the recipient. */
public record Message(String verificationId, String channel, String recipient, String maskedRecipient,
                      String code, String locale, String purpose) {

    @Override
    public String toString() {
        return "Message[" + verificationId + " " + channel + " to " + maskedRecipient + "]";
    }
}
