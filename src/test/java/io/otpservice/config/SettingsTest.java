package io.otpservice.config;

import io.otpservice.support.TestConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets that are no secrets stop the start; settings that weaken the service are warned about. */
class SettingsTest {

    private static Policy policy(int codeLength) {
        return new Policy("login", Duration.ofMinutes(10), codeLength, 5, 3);
    }

    @Test
    void aSecretOfRepeatedBytesIsRefusedWithoutBeingShown() {
        String zeros = Base64.getEncoder().encodeToString(new byte[32]);
        String pattern = Base64.getEncoder().encodeToString("abcabcabcabcabcabcabcabcabcabcab".getBytes());
        for (String secret : List.of(zeros, pattern)) {
            assertThatThrownBy(() -> new Settings(TestConfig.otp(Map.of("otp.hmac-secrets", secret))))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("otp.hmac-secrets[0]: not random")
                    .hasMessageNotContaining(secret);
        }
    }

    @Test
    void anOlderSecretOfRepeatedBytesStillVerifiesSoThatARotationCanLeaveIt() {
        String strong = Base64.getEncoder().encodeToString("a random-looking secret of 32+ bytes!".getBytes());
        String zeros = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(new Settings(TestConfig.otp(Map.of("otp.hmac-secrets", strong + "," + zeros))).hmacSecrets()).hasSize(2);
    }

    @Test
    void aCodeGuessableWithinTheFailureBudgetIsWarnedAbout() {
        assertThat(Settings.warnings(TestConfig.otp(), List.of(policy(6)))).isEmpty();
        assertThat(Settings.warnings(TestConfig.otp(), List.of(policy(4))))
                .singleElement().asString().contains("purpose login").contains("20 tries").contains("0.20 %");
        assertThat(Settings.warnings(TestConfig.otp(Map.of("otp.limits.recipient-failures", "100000/1h")),
                List.of(policy(6)))).singleElement().asString().contains("100000 tries");
    }

    @Test
    void aSafeListEntryOfAWholeCallingCodeIsWarnedAbout() {
        assertThat(Settings.warnings(TestConfig.otp(Map.of("otp.fraud.safe-list", "+1,+1415555")), List.of(policy(6))))
                .singleElement().asString().startsWith("otp.fraud.safe-list: +1 exempts");
    }
}
