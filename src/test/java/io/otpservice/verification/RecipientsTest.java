package io.otpservice.verification;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecipientsTest {

    private final Recipients recipients = new Recipients();

    @Test
    void phonesAreNormalisedToE164AndMasked() {
        Recipient r = recipients.parse("sms", "+1 (415) 555-0100", new String[1]).orElseThrow();
        assertThat(r.normalised()).isEqualTo("+14155550100");
        assertThat(r.region()).isEqualTo("US");
        assertThat(r.masked()).isEqualTo("+1••••••0100").doesNotContain("415");
        assertThat(recipients.parse("sms", "+33 6 12 34 56 78", new String[1]).orElseThrow().normalised())
                .isEqualTo("+33612345678");
    }

    @Test
    void emailsAreLowerCasedAndMasked() {
        Recipient r = recipients.parse("email", "Alice.Smith@Example.COM", new String[1]).orElseThrow();
        assertThat(r.normalised()).isEqualTo("alice.smith@example.com");
        assertThat(r.masked()).isEqualTo("a•••h@example.com");
        assertThat(recipients.parse("email", "ab@example.com", new String[1]).orElseThrow().masked())
                .isEqualTo("a•••@example.com");
        assertThat(r.toString()).isEqualTo(r.masked());
    }

    @Test
    void theReasonIsGivenForABadRecipient() {
        String[] why = new String[1];
        assertThat(recipients.parse("sms", "+1415555", why)).isEmpty();
        assertThat(why[0]).isNotBlank();
    }
}
