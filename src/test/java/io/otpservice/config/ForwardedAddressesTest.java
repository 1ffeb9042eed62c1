package io.otpservice.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedAddressesTest {

    @Test
    void forwardedAddressesFromAnyCallerAreWarnedAbout() {
        assertThat(ForwardedAddresses.warning(true, Optional.empty())).get().asString()
                .contains("quarkus.http.proxy.trusted-proxies");
        assertThat(ForwardedAddresses.warning(true, Optional.of(List.of()))).isPresent();
    }

    @Test
    void forwardingOffOrFromListedProxiesOnlyIsNot() {
        assertThat(ForwardedAddresses.warning(false, Optional.empty())).isEmpty();
        assertThat(ForwardedAddresses.warning(true, Optional.of(List.of("10.0.0.0/8")))).isEmpty();
    }
}
