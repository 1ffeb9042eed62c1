package io.otpservice.fraud;

import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import io.otpservice.recipient.Recipients;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prefix of a number: its calling code and a few national digits, never more than the number hides. */
class FraudRulesTest {

    private final Recipients recipients = new Recipients();

    @Test
    void aPrefixIsTheCallingCodeAndTheConfiguredDigits() {
        assertThat(FraudRules.prefix(phone("+14155550100"), 3)).isEqualTo("+1415");
        assertThat(FraudRules.prefix(phone("+447400123456"), 3)).isEqualTo("+44740");
        assertThat(FraudRules.prefix(phone("+33612345678"), 2)).isEqualTo("+3361");
        assertThat(FraudRules.prefix(phone("+447400123456"), 6)).isEqualTo("+44740012");
    }

    @Test
    void aShortNumberKeepsFourDigitsOutOfItsPrefix() {
        Recipient niue = new Recipient(Channel.SMS, "+6837012", "+683•••7012", "NU", 683, "MOBILE");
        assertThat(FraudRules.prefix(niue, 3)).isEqualTo("+683");
        Recipient six = new Recipient(Channel.SMS, "+290512345", "+290••2345", "SH", 290, "MOBILE");
        assertThat(FraudRules.prefix(six, 3)).isEqualTo("+29051");
    }

    @Test
    void recipientsCarryTheirNumberType() {
        assertThat(phone("+449012345678").numberType()).isEqualTo("PREMIUM_RATE");
        assertThat(phone("+447400123456").numberType()).isEqualTo("MOBILE");
        assertThat(phone("+447400123456").callingCode()).isEqualTo(44);
        assertThat(phone("+447400123456").nationalNumber()).isEqualTo("7400123456");
    }

    @Test
    void durationsAreLoggedInTheUnitsOfTheConfiguration() {
        assertThat(FraudGuard.human(java.time.Duration.ofHours(1))).isEqualTo("1h");
        assertThat(FraudGuard.human(java.time.Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(FraudGuard.human(java.time.Duration.ofSeconds(45))).isEqualTo("45s");
    }

    private Recipient phone(String e164) {
        return ((Recipients.Valid) recipients.parse(Channel.SMS, e164)).recipient();
    }
}
