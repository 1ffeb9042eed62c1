package io.otpservice.ratelimit;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The configured limit windows, parsed once at start; a bad value stops the service naming its key. */
@Singleton
@Startup
public final class Limits {

    static final String DEFAULT_COUNTRY = "default";

    private final List<Window> recipientSends;
    private final List<Window> recipientFailures;
    private final List<Window> clientCreates;
    private final Map<String, List<Window>> countrySends;
    private final Map<String, List<Window>> apiKeyCreates = new HashMap<>();
    private final Optional<PrefixGuard> prefixGuard;

    public Limits(OtpConfig config) {
        this.recipientSends = List.copyOf(windows("otp.limits.recipient-sends", config.limits().recipientSends()));
        this.recipientFailures = List.copyOf(windows("otp.limits.recipient-failures", config.limits().recipientFailures()));
        this.clientCreates = List.copyOf(windows("otp.limits.client-creates", config.limits().clientCreates()));
        this.countrySends = countryWindows(config.fraud().countrySends());
        config.apiKeys().forEach((name, key) -> key.creates().ifPresent(spec ->
                apiKeyCreates.put(name, windows("otp.api-keys." + name + ".creates", spec))));
        OtpConfig.PrefixGuard guard = config.fraud().prefixGuard();
        this.prefixGuard = guard.enabled()
                ? Optional.of(new PrefixGuard(guard.prefixDigits(), guard.window(), guard.minSends(),
                        guard.minConversion(), guard.blockFor()))
                : Optional.empty();
    }

    public List<Window> recipientSends() {
        return recipientSends;
    }

    public List<Window> recipientFailures() {
        return recipientFailures;
    }

    public List<Window> clientCreates() {
        return clientCreates;
    }

    /** The send windows of a destination country (its own, else the default); empty when none. */
    public List<Window> countrySends(String country) {
        return countrySends(countrySends, country);
    }

    /** The create windows of an API key (by its configured name); empty when none. */
    public List<Window> apiKeyCreates(String name) {
        return name == null ? List.of() : apiKeyCreates.getOrDefault(name, List.of());
    }

    /** The conversion guard, unless disabled. */
    public Optional<PrefixGuard> prefixGuard() {
        return prefixGuard;
    }

    /** {@code otp.fraud.country-sends.*}: ISO codes (any case, as environment variables give them) and default. */
    static Map<String, List<Window>> countryWindows(Map<String, String> configured) {
        Map<String, List<Window>> parsed = new HashMap<>();
        configured.forEach((name, spec) -> {
            String key = "otp.fraud.country-sends." + name;
            String country = name.toUpperCase(Locale.ROOT);
            if (name.equalsIgnoreCase(DEFAULT_COUNTRY)) {
                country = DEFAULT_COUNTRY;
            } else if (!country.matches("[A-Z]{2}")) {
                throw new ConfigurationException(key + ": the name must be an ISO 3166 alpha-2 code such as US, "
                        + "or default");
            }
            parsed.put(country, windows(key, spec));
        });
        return Map.copyOf(parsed);
    }

    static List<Window> countrySends(Map<String, List<Window>> windows, String country) {
        if (country == null || country.isEmpty()) {
            return List.of();
        }
        List<Window> own = windows.get(country.toUpperCase(Locale.ROOT));
        return own != null ? own : windows.getOrDefault(DEFAULT_COUNTRY, List.of());
    }

    private static List<Window> windows(String key, String spec) {
        try {
            return Window.parseList(spec);
        } catch (RuntimeException e) {
            throw new ConfigurationException(key + ": " + e.getMessage() + " (expected e.g. 5/15m,20/24h)");
        }
    }
}
