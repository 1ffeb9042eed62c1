package io.otpservice.config;

import io.otpservice.ratelimit.Window;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration parsed and checked once at start. A bad value throws a
 * {@link ConfigurationException} naming the key (never the value: it may be a secret), which Quarkus
 * prints as one plain line and exits.
 */
@Singleton
@Startup(0) // first: no other bean should meet a value out of its range
public final class Settings {

    public static final String DEFAULT_PURPOSE = "default";
    private static final int MIN_SECRET_BYTES = 32;
    private static final int MIN_DISTINCT_BYTES = 8;
    private static final Logger LOG = Logger.getLogger("otp.config");

    private final OtpConfig config;
    private final List<byte[]> hmacSecrets;
    private final Map<String, Policy> policies;

    public Settings(OtpConfig config) {
        ConfigChecks.check(config);
        this.config = config;
        this.hmacSecrets = parseSecrets(config.hmacSecrets());
        this.policies = policies(config);
        checkLocale("otp.default-locale", config.defaultLocale());
        warnings(config, policies.values()).forEach(LOG::warn);
        if (config.redis().replicaAckTimeout().compareTo(config.redis().timeout()) >= 0) {
            throw new ConfigurationException("otp.redis.replica-ack-timeout: must be shorter than otp.redis.timeout ("
                    + config.redis().timeout().toMillis() + " ms), which bounds the whole call");
        }
    }

    public OtpConfig config() {
        return config;
    }

    /** The first signs; all verify. Copies: no caller can change the configured secrets. */
    public List<byte[]> hmacSecrets() {
        return hmacSecrets.stream().map(byte[]::clone).toList();
    }

    public Optional<Policy> policy(String purpose) {
        return Optional.ofNullable(policies.get(purpose));
    }

    private static List<byte[]> parseSecrets(Optional<List<String>> configured) {
        List<String> values = configured.orElse(List.of());
        if (values.isEmpty()) {
            throw new ConfigurationException("otp.hmac-secrets: required, a list of base64 secrets of at least "
                    + MIN_SECRET_BYTES + " bytes (e.g. from 'openssl rand -base64 32')");
        }
        List<byte[]> secrets = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(values.get(i).trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("otp.hmac-secrets[" + i + "]: not valid base64");
            }
            if (decoded.length < MIN_SECRET_BYTES) {
                throw new ConfigurationException("otp.hmac-secrets[" + i + "]: " + decoded.length
                        + " bytes, at least " + MIN_SECRET_BYTES + " are required");
            }
            if (distinctBytes(decoded) < MIN_DISTINCT_BYTES) {
                // 32 random bytes have about 30 distinct values; this is a placeholder or a pattern. An older
                // secret only verifies, and must stay usable while a rotation moves away from it.
                String problem = "otp.hmac-secrets[" + i + "]: not random (" + distinctBytes(decoded)
                        + " distinct byte values); make one with 'openssl rand -base64 32'";
                if (i == 0) {
                    throw new ConfigurationException(problem);
                }
                LOG.warn(problem + "; remove it once the rotation away from it is over");
            }
            secrets.add(decoded);
        }
        return List.copyOf(secrets);
    }

    private static int distinctBytes(byte[] bytes) {
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        return distinct;
    }

    /**
     * Settings that start but weaken what the service is for: a code guessable within the failure budget
     * (more than one chance in a thousand per recipient and window), a safe-list entry that exempts a whole
     * country code from the abuse rules.
     */
    static List<String> warnings(OtpConfig config, Collection<Policy> policies) {
        List<String> warnings = new ArrayList<>();
        long failures = Window.parseList(config.limits().recipientFailures()).stream()
                .max(Comparator.comparing(Window::length)).map(Window::limit).orElse(Integer.MAX_VALUE);
        for (Policy p : policies.stream().sorted(Comparator.comparing(Policy::name)).toList()) {
            double chance = failures / Math.pow(10, p.codeLength());
            if (chance > 0.001) {
                warnings.add(String.format(Locale.ROOT, "purpose %s: a guesser gets %d tries at %d-digit codes per "
                        + "recipient within otp.limits.recipient-failures, a %.2f %% chance to hit one; lower the limit "
                        + "or lengthen the code", p.name(), failures, p.codeLength(), 100 * Math.min(1, chance)));
            }
        }
        for (String entry : config.fraud().safeList().orElse(List.of())) {
            if (entry.strip().length() <= 4) {
                warnings.add("otp.fraud.safe-list: " + entry.strip() + " exempts every number of that calling code "
                        + "from the abuse rules; list the prefixes of your own test numbers instead");
            }
        }
        return warnings;
    }

    private static Map<String, Policy> policies(OtpConfig config) {
        Map<String, Policy> result = new HashMap<>();
        result.put(DEFAULT_PURPOSE, new Policy(DEFAULT_PURPOSE, config.ttl(), config.codeLength(),
                config.maxAttempts(), config.maxSends()));
        config.purposes().forEach((name, p) -> {
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
                throw new ConfigurationException("otp.purposes." + name
                        + ": a purpose name is 1-32 of a-z, 0-9, '-' and '_'");
            }
            Policy base = result.get(DEFAULT_PURPOSE);
            result.put(name, new Policy(name, p.ttl().orElse(base.ttl()), p.codeLength().orElse(base.codeLength()),
                    p.maxAttempts().orElse(base.maxAttempts()), p.maxSends().orElse(base.maxSends())));
        });
        return Map.copyOf(result);
    }

    public static void checkLocale(String key, String tag) {
        try {
            new Locale.Builder().setLanguageTag(tag);
        } catch (IllformedLocaleException e) {
            throw new ConfigurationException(key + ": '" + tag + "' is not a BCP 47 language tag");
        }
    }
}
