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
        assertThat(r.masked()).isEqualTo("+1••••••0100").doesNotContain("415");
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
