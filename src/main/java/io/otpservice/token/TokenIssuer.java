package io.otpservice.token;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signs the proof of an approved verification (ES256 JWT) and publishes the public keys: the current
 * one and the rotated-out ones that tokens still in flight may carry.
 * <p>
 * The compact JWS is put together here (RFC 7515: base64url header, claims, and the P-256 signature as
 * R || S): a JFR profile of approvals had SmallRye JWT's builder reading its configuration and jose4j's
 * codecs at 15% of the CPU, against 2% for the signature itself. Any JOSE library verifies the result
 * (the tests use jose4j).
 */
@Singleton
@Startup
public final class TokenIssuer {

    private static final Logger LOG = Logger.getLogger(TokenIssuer.class);

    /** What a token says; {@code sessionHash} may be null. */
    public record Subject(String verificationId, String recipient, String channel, String purpose,
                          String sessionHash) {
        @Override
        public String toString() {
            return "Subject[" + verificationId + "]";
        }
    }

    public record Token(String jwt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[expires " + expiresAt + "]";
        }
    }

    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final PrivateKey signingKey;
    private final String keyId;
    private final List<Map<String, String>> jwks;
    /** base64url of the protected header, a constant per key. */
    private final String header;
    /** One signer per thread, initialised once: Signature objects are not thread-safe. */
    private final ThreadLocal<Signature> signers;

    /** {@code crypto} is here so the native provider, when there is one, is in place before the first signature. */
    public TokenIssuer(OtpConfig config, io.otpservice.crypto.NativeCrypto crypto) {
        OtpConfig.Token c = config.token();
        this.issuer = c.issuer();
        this.audience = c.audience();
        this.ttl = c.ttl();
        KeyPair pair = signingPair(c);
        this.signingKey = pair.getPrivate();
        ECPublicKey current = (ECPublicKey) pair.getPublic();
        this.keyId = c.keyId().orElse(SigningKeys.thumbprint(current));
        List<Map<String, String>> keys = new ArrayList<>();
        keys.add(published(current, keyId));
        List<String> previous = c.previousPublicKeys().orElse(List.of());
        // each key once: the current key may also be listed (published ahead of its use, then left there)
        Set<String> published = new HashSet<>(Set.of(SigningKeys.thumbprint(current)));
        for (int i = 0; i < previous.size(); i++) {
            ECPublicKey old;
            try {
                old = SigningKeys.fromPublicPem(previous.get(i));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new ConfigurationException("otp.token.previous-public-keys[" + i
                        + "]: not an EC P-256 public key in PEM");
            }
            String thumbprint = SigningKeys.thumbprint(old);
            if (!published.add(thumbprint)) {
                continue;
            }
            if (thumbprint.equals(keyId)) {
                throw new ConfigurationException("otp.token.key-id: the kid of otp.token.previous-public-keys[" + i
                        + "], another key: a consumer could not tell which one signed a token");
            }
            keys.add(published(old, thumbprint));
        }
        this.jwks = List.copyOf(keys);
        StringBuilder h = new StringBuilder("{\"kid\":");
        Json.string(h, keyId).append(",\"typ\":\"JWT\",\"alg\":\"ES256\"}");
        this.header = BASE64URL.encodeToString(h.toString().getBytes(StandardCharsets.UTF_8));
        PrivateKey key = signingKey;
        this.signers = ThreadLocal.withInitial(() -> {
            try {
                Signature signature = Signature.getInstance("SHA256withECDSA");
                signature.initSign(key);
                return signature;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ES256 signing unavailable", e);
            }
        });
    }

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public Token issue(Subject subject) {
        Instant now = Instant.now();
        long expires = now.plus(ttl).getEpochSecond();
        StringBuilder claims = new StringBuilder(320).append("{\"iss\":");
        Json.string(claims, issuer).append(",\"sub\":");
        Json.string(claims, subject.recipient()).append(",\"aud\":");
        Json.string(claims, audience).append(",\"jti\":");
        Json.string(claims, subject.verificationId()).append(",\"iat\":").append(now.getEpochSecond())
                .append(",\"exp\":").append(expires).append(",\"amr\":[\"otp\",");
        Json.string(claims, subject.channel()).append("],\"purpose\":");
        Json.string(claims, subject.purpose());
        if (subject.sessionHash() != null) {
            Json.string(claims.append(",\"sid\":"), subject.sessionHash());
        }
        String input = header + "." + BASE64URL.encodeToString(claims.append('}').toString().getBytes(StandardCharsets.UTF_8));
        byte[] der;
        try {
            Signature signature = signers.get();
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            der = signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
        return new Token(input + "." + BASE64URL.encodeToString(concatenated(der)), Instant.ofEpochSecond(expires));
    }

    /** An ECDSA signature from its DER form (SEQUENCE of two INTEGERs) to JWS' R || S, 32 bytes each. */
    static byte[] concatenated(byte[] der) {
        int i = 2;
        if ((der[1] & 0x80) != 0) {
            i += der[1] & 0x7f; // long-form length
        }
        byte[] out = new byte[64];
        for (int part = 0; part < 2; part++) {
            int length = der[i + 1];
            int start = i + 2;
            int skip = Math.max(0, length - 32); // a leading zero keeps a high bit positive
            int copy = length - skip;
            System.arraycopy(der, start + skip, out, part * 32 + (32 - copy), copy);
            i = start + length;
        }
        return out;
    }

    /** The JWK Set: public members only. */
    public Map<String, Object> jwks() {
        return Map.of("keys", jwks);
    }

    private static Map<String, String> published(ECPublicKey key, String kid) {
        Map<String, String> jwk = new LinkedHashMap<>(SigningKeys.jwk(key));
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        return Map.copyOf(jwk);
    }

    private static KeyPair signingPair(OtpConfig.Token config) {
        if (config.signingKey().isPresent()) {
            try {
                return SigningKeys.fromPrivatePem(config.signingKey().get());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new ConfigurationException("otp.token.signing-key: not an EC P-256 private key in PKCS#8 PEM "
                        + "(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
            }
        }
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            LOG.warn("Dev mode: no otp.token.signing-key, generated a signing key for this run; tokens will not "
                    + "verify after a restart");
            return SigningKeys.generate();
        }
        throw new ConfigurationException("otp.token.signing-key: required, an EC P-256 private key in PKCS#8 PEM "
                + "(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
    }

    /** JSON strings for the header and claims. */
    static final class Json {
        private Json() {
        }

        static StringBuilder string(StringBuilder out, String value) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"');
        }
    }
}
