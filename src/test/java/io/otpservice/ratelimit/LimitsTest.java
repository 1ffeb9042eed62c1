package io.otpservice.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Country budgets: a country's own windows, else the default's, in any case (environment variables are upper-case). */
class LimitsTest {

    @Test
    void aCountryWithoutABudgetOfItsOwnHasTheDefault() {
        Map<String, List<Window>> windows = Limits.countryWindows(Map.of("us", "500/1h", "DEFAULT", "100/1h,1000/1d"));
        assertThat(Limits.countrySends(windows, "US")).containsExactly(new Window(500, Duration.ofHours(1)));
        assertThat(Limits.countrySends(windows, "GB"))
                .containsExactly(new Window(100, Duration.ofHours(1)), new Window(1000, Duration.ofDays(1)));
        assertThat(Limits.countrySends(windows, "")).isEmpty();
        assertThat(Limits.countrySends(Limits.countryWindows(Map.of("FR", "5/1m")), "GB")).isEmpty();
    }

    @Test
    void aBadCountryOrWindowNamesItsKey() {
        // configuration errors, which the start reports as one line naming the key
        assertThatThrownBy(() -> Limits.countryWindows(Map.of("USA", "5/1h")))
                .isInstanceOf(io.quarkus.runtime.configuration.ConfigurationException.class)
                .hasMessageContaining("otp.fraud.country-sends.USA");
        assertThatThrownBy(() -> Limits.countryWindows(Map.of("US", "five an hour")))
                .hasMessageContaining("otp.fraud.country-sends.US");
    }

    @Test
    void theGuardComparesInPartsPerMillion() {
        PrefixGuard guard = new PrefixGuard(3, Duration.ofHours(1), 50, 0.1, Duration.ofHours(1));
        assertThat(guard.toScriptArg()).isEqualTo("3600000:50:100000:3600000");
    }
}
