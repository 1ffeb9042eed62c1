package io.otpservice.api.auth;

import io.otpservice.config.OtpConfig;
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

/** API keys are configured as SHA-256 hashes; a presented key is hashed and looked up. */
@Singleton
public class ApiKeys {

    private final Map<String, Caller> byHash = new HashMap<>();

    public ApiKeys(OtpConfig config) {
        config.apiKeys().forEach((name, key) ->
                byHash.put(key.hash().toLowerCase(Locale.ROOT), new Caller(name, Set.copyOf(key.scopes()))));
    }

    public Optional<Caller> find(String presentedKey) {
        return Optional.ofNullable(byHash.get(sha256(presentedKey)));
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
