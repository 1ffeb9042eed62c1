package io.otpservice.api.auth;

import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * API keys are configured as SHA-256 hashes; a presented key is hashed and looked up. Outside dev mode
 * the service does not start without one: it would answer 401 to everything.
 */
@Singleton
@Startup
public final class ApiKeys {

    /** One digest per thread: digest() resets it, and a lookup of the provider per request was measurable. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final Map<String, Caller> byHash = new HashMap<>();

    public ApiKeys(OtpConfig config) {
        if (config.apiKeys().isEmpty() && LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            throw new ConfigurationException("otp.api-keys: required, at least one key: set "
                    + "OTP_API_KEYS_<NAME>_HASH (the SHA-256 of the key, hex) and OTP_API_KEYS_<NAME>_SCOPES");
        }
        // sorted: the message names the same two keys whatever the map's order
        new TreeMap<>(config.apiKeys()).forEach((name, key) -> {
            Caller earlier = byHash.putIfAbsent(key.hash().toLowerCase(Locale.ROOT), new Caller(name, Set.copyOf(key.scopes())));
            if (earlier != null) {
                // one key, two sets of scopes: which would apply is not for a hash map to decide
                throw new ConfigurationException("otp.api-keys." + name + ".hash: the same key as otp.api-keys."
                        + earlier.name() + "; give each name a key of its own");
            }
        });
    }

    public Optional<Caller> find(String presentedKey) {
        return Optional.ofNullable(byHash.get(sha256(presentedKey)));
    }

    public static String sha256(String value) {
        return HexFormat.of().formatHex(SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
