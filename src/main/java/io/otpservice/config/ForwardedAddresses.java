package io.otpservice.config;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Warns at start when the address of a request may come from its own headers: with
 * {@code proxy-address-forwarding} on and no {@code trusted-proxies}, any caller can state an address in
 * {@code X-Forwarded-For} or {@code Forwarded}, and so pick the per-address create window it counts in
 * (what only a key with the {@code client-ip} scope may do, with {@code clientIp}).
 */
@Singleton
@Startup
final class ForwardedAddresses {

    private static final Logger LOG = Logger.getLogger("otp.config");

    ForwardedAddresses(@ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding", defaultValue = "false")
                       boolean forwarding,
                       @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trusted) {
        warning(forwarding, trusted).ifPresent(LOG::warn);
    }

    static Optional<String> warning(boolean forwarding, Optional<List<String>> trusted) {
        if (!forwarding || trusted.filter(list -> !list.isEmpty()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("quarkus.http.proxy.proxy-address-forwarding is on and quarkus.http.proxy.trusted-proxies"
                + " is not set: any caller can state its address in X-Forwarded-For and count its creates under any"
                + " address; list the addresses of your proxies (an ingress controller's pods, a CIDR) there");
    }
}
