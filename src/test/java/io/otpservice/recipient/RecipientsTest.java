package io.otpservice.recipient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecipientsTest {

    private final Recipients recipients = new Recipients();

    @Test
    void phonesAreNormalisedToE164AndMasked() {
        Recipient r = valid(Channel.SMS, "+1 (415) 555-0100");
        assertThat(r.normalised()).isEqualTo("+14155550100");
        assertThat(r.region()).isEqualTo("US");
        assertThat(r.masked()).isEqualTo("+1•••••••0100").doesNotContain("415");
        // seven bullets whatever the length: the mask does not tell how long the number is
        assertThat(valid(Channel.SMS, "+442079460123").masked()).isEqualTo("+44•••••••0123");
        assertThat(valid(Channel.SMS, "+4930901820").masked()).isEqualTo("+49•••••••1820");
        assertThat(valid(Channel.SMS, "+33 6 12 34 56 78").normalised())
                .isEqualTo("+33612345678");
    }

    @Test
    void emailsAreLowerCasedAndMasked() {
        Recipient r = valid(Channel.EMAIL, "Alice.Smith@Example.COM");
        assertThat(r.normalised()).isEqualTo("alice.smith@example.com");
        assertThat(r.masked()).isEqualTo("a•••h@example.com");
        assertThat(valid(Channel.EMAIL, "ab@example.com").masked())
                .isEqualTo("a•••@example.com");
        assertThat(r.toString()).isEqualTo(r.masked());
    }

    /** Found by RecipientsFuzzTest: libphonenumber takes this German range as valid, at 16 digits. */
    @Test
    void aNumberLongerThanE164AllowsIsRefused() {
        assertThat(recipients.parse(Channel.SMS, "+49094916921691692")).isInstanceOf(Recipients.Invalid.class);
        assertThat(valid(Channel.SMS, "+49 0151 12345678").normalised()).isEqualTo("+4915112345678");
    }

    /** Found by find-sec-bugs: Unicode lower-casing made the Kelvin sign a 'k', so a non-ASCII domain passed. */
    @Test
    void anAddressIsCheckedAsAsciiBeforeItIsLowerCased() {
        assertThat(recipients.parse(Channel.EMAIL, "alice@\u212Aey.example.com")).isInstanceOf(Recipients.Invalid.class);
        assertThat(recipients.parse(Channel.EMAIL, "\u212Aelvin@example.com")).isInstanceOf(Recipients.Invalid.class);
        assertThat(valid(Channel.EMAIL, "Kelvin@KEY.Example.com").normalised()).isEqualTo("kelvin@key.example.com");
        assertThat(recipients.parse(Channel.EMAIL, "a..b@example.com")).isInstanceOf(Recipients.Invalid.class);
        assertThat(recipients.parse(Channel.EMAIL, ".ab@example.com")).isInstanceOf(Recipients.Invalid.class);
        assertThat(recipients.parse(Channel.EMAIL, "ab.@example.com")).isInstanceOf(Recipients.Invalid.class);
        assertThat(valid(Channel.EMAIL, "o'neil+tag.x_y@example.com").normalised()).isEqualTo("o'neil+tag.x_y@example.com");
    }

    @Test
    void theReasonIsGivenForABadRecipient() {
        Recipients.Parsed parsed = recipients.parse(Channel.SMS, "+1415555");
        assertThat(parsed).isInstanceOf(Recipients.Invalid.class);
        assertThat(((Recipients.Invalid) parsed).reason()).isNotBlank();
    }

    private Recipient valid(Channel channel, String to) {
        return ((Recipients.Valid) recipients.parse(channel, to)).recipient();
    }
}
