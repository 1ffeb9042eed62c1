package io.otpservice.recipient;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recipient parsing, as every create and check-by-recipient reaches it: the input is a {@code to}
 * (UTF-8), parsed on the channel it implies and on the other one. Whatever comes in, parsing answers
 * Valid or Invalid (no exception), an Invalid reason never quotes the input, and a Valid recipient is
 * normalised for good: parsing its normal form gives itself again, and its mask hides it.
 * Seeds: RecipientsFuzzTestInputs.
 */
class RecipientsFuzzTest {

    private static final Recipients RECIPIENTS = new Recipients();
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Set<String> REASONS = Set.of(
            "must be a phone number in E.164 form, e.g. +14155550100",
            "is not a valid phone number",
            "must be an e-mail address of at most 254 characters",
            "must be a plain e-mail address such as name@example.com (no display name)",
            "has an invalid local part (before the @)",
            "has an invalid domain (after the @)");

    @FuzzTest
    void parse(byte[] data) {
        String to = new String(data, StandardCharsets.UTF_8);
        for (Channel channel : Channel.values()) {
            switch (RECIPIENTS.parse(channel, to)) {
                case Recipients.Valid valid -> check(channel, valid.recipient());
                case Recipients.Invalid invalid -> {
                    if (!REASONS.contains(invalid.reason())) {
                        throw new AssertionError("an unexpected reason");
                    }
                }
            }
        }
    }

    private static void check(Channel channel, Recipient recipient) {
        String normal = recipient.normalised();
        if (recipient.channel() != channel) {
            throw new AssertionError("parsed on one channel, answered another");
        }
        if (channel == Channel.SMS ? !E164.matcher(normal).matches() : !normal.equals(normal.toLowerCase(java.util.Locale.ROOT))
                || normal.indexOf('@') <= 0) {
            throw new AssertionError("not a normal form");
        }
        if (!(RECIPIENTS.parse(channel, normal) instanceof Recipients.Valid again)
                || !again.recipient().equals(recipient)) {
            throw new AssertionError("normalising twice differs from once");
        }
        if (recipient.masked().contains(normal) || recipient.toString().contains(normal)) {
            throw new AssertionError("the mask shows the whole recipient");
        }
    }
}
