package io.otpservice.config;

import io.otpservice.support.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service's switches: a typo stops the start instead of reading as false. */
class StrictBooleanTest {

    @ParameterizedTest
    @ValueSource(strings = {"ture", "maybe", "", "enabled", "2"})
    void aValueThatIsNeitherTrueNorFalseIsRefused(String value) {
        assertThatThrownBy(() -> TestConfig.otp(Map.of("otp.fraud.prefix-guard.enabled", value)).fraud().prefixGuard().enabled())
                .hasMessageContaining("otp.fraud.prefix-guard.enabled");
    }

    @Test
    void theUsualSpellingsAreRead() {
        assertThat(TestConfig.otp(Map.of("otp.sms.enabled", "FALSE")).sms().enabled()).isFalse();
        assertThat(TestConfig.otp(Map.of("otp.sms.enabled", "off")).sms().enabled()).isFalse();
        assertThat(TestConfig.otp(Map.of("otp.email.enabled", "0")).email().enabled()).isFalse();
        assertThat(TestConfig.otp(Map.of("otp.email.enabled", "Yes")).email().enabled()).isTrue();
        assertThat(TestConfig.otp(Map.of()).fraud().prefixGuard().enabled()).isTrue();
    }
}
