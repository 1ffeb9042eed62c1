package io.otpservice.config;

import io.otpservice.support.TestConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values of the right type that would configure nothing, or something else than meant, stop the start. */
class ConfigChecksTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "otp.sms.allowed-countries|US,XX|otp.sms.allowed-countries",
            "otp.sms.allowed-countries|US,uk|otp.sms.allowed-countries",
            "otp.fraud.country-sends.XX|5/1h|otp.fraud.country-sends.XX",
            "otp.sms.twilio.account-sid|ACxyz|otp.sms.twilio.account-sid",
            "otp.email.from|not an address|otp.email.from",
            "otp.email.from|OTP <otp.example.com>|otp.email.from",
            "otp.token.audience|' '|otp.token.audience",
    })
    void aValueThatWouldConfigureNothingOrSomethingElseIsRefused(String key, String value, String named) {
        assertThatThrownBy(() -> ConfigChecks.check(TestConfig.otp(Map.of(key, value))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(named + ":");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "otp.sms.allowed-countries|US,gb,FR",
            "otp.sms.allowed-countries|XK,AC,TA",
            "otp.fraud.country-sends.FR|30/1h",
            "otp.sms.twilio.account-sid|AC0123456789abcdef0123456789abcdef",
            "otp.email.from|no-reply@localhost",
            "otp.email.from|Example Shop <otp@example.com>",
    })
    void theUsualFormsPass(String key, String value) {
        assertThatCode(() -> ConfigChecks.check(TestConfig.otp(Map.of(key, value)))).doesNotThrowAnyException();
    }
}
