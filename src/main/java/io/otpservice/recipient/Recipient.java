package io.otpservice.recipient;

/**
 * A normalised recipient: E.164 for sms, lower-case address for email. {@code region} is the ISO
 * country of a phone number (for the allow list and metrics), "" for email; {@code callingCode} its
 * country calling code (0 for email) and {@code numberType} its libphonenumber type, such as
 * {@code MOBILE} or {@code PREMIUM_RATE} ("" for email). toString masks.
 */
public record Recipient(Channel channel, String normalised, String masked, String region, int callingCode,
                        String numberType) {

    /** The digits after the country calling code of a phone number; "" for email. */
    public String nationalNumber() {
        return channel == Channel.SMS ? normalised.substring(1 + Integer.toString(callingCode).length()) : "";
    }

    @Override
    public String toString() {
        return masked;
    }
}
