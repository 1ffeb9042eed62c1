package io.otpservice.token;

import io.otpservice.support.TestConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JWK Set a consumer fetches: each key once, and never two keys under one {@code kid}. */
class PublishedKeysTest {

    private static final KeyPair CURRENT = SigningKeys.generate();
    private static final KeyPair OTHER = SigningKeys.generate();

    private static String privateBody(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    }

    private static String publicPem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
    }

    private static TokenIssuer issuer(Map<String, String> token) {
        Map<String, String> overrides = new java.util.HashMap<>(token);
        overrides.put("otp.token.signing-key", privateBody(CURRENT));
        return new TokenIssuer(TestConfig.otp(overrides), null);
    }

    @SuppressWarnings("unchecked")
    private static List<String> kids(TokenIssuer issuer) {
        return ((List<Map<String, String>>) issuer.jwks().get("keys")).stream().map(k -> k.get("kid")).toList();
    }

    @Test
    void theNextKeyPublishedAheadAndTheCurrentKeyListedAgainArePublishedOnce() {
        String current = SigningKeys.thumbprint((ECPublicKey) CURRENT.getPublic());
        String other = SigningKeys.thumbprint((ECPublicKey) OTHER.getPublic());

        assertThat(kids(issuer(Map.of("otp.token.previous-public-keys", publicPem(OTHER)))))
                .containsExactly(current, other);
        // the current key's public half left in the list after the swap, and a key listed twice
        assertThat(kids(issuer(Map.of("otp.token.previous-public-keys",
                publicPem(CURRENT) + "," + publicPem(OTHER) + "," + publicPem(OTHER)))))
                .containsExactly(current, other);
    }

    @Test
    void aKeyIdThatNamesAnotherPublishedKeyStopsTheStart() {
        String other = SigningKeys.thumbprint((ECPublicKey) OTHER.getPublic());

        assertThatThrownBy(() -> issuer(Map.of("otp.token.key-id", other,
                "otp.token.previous-public-keys", publicPem(OTHER))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("otp.token.key-id")
                .hasMessageContaining("previous-public-keys[0]");
    }
}
