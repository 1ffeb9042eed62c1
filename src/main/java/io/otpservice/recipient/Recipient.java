package io.otpservice.recipient;

/**
 * A normalised recipient: E.164 for sms, lower-case address for email. {@code region} is the ISO
 * country of a phone number (for the allow list and metrics), "" for email. toString masks.
 */
public record Recipient(Channel channel, String normalised, String masked, String region) {

    @Override
    public String toString() {
        return masked;
    }
}
