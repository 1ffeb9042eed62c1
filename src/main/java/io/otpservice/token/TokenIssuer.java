package io.otpservice.token;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs the proof of an approved verification (ES256 JWT) and publishes the public keys: the current
 * one and the rotated-out ones that tokens still in flight may carry.
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
        for (int i = 0; i < previous.size(); i++) {
            try {
                ECPublicKey old = SigningKeys.fromPublicPem(previous.get(i));
                keys.add(published(old, SigningKeys.thumbprint(old)));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new ConfigurationException("otp.token.previous-public-keys[" + i
                        + "]: not an EC P-256 public key in PEM");
            }
        }
        this.jwks = List.copyOf(keys);
    }

    public Token issue(Subject subject) {
        Instant now = Instant.now();
        Instant expires = now.plus(ttl);
        JwtClaimsBuilder claims = Jwt.issuer(issuer)
                .subject(subject.recipient())
                .audience(audience)
                .claim("jti", subject.verificationId())
                .issuedAt(now.getEpochSecond())
                .expiresAt(expires.getEpochSecond())
                .claim("amr", List.of("otp", subject.channel()))
                .claim("purpose", subject.purpose());
        if (subject.sessionHash() != null) {
            claims.claim("sid", subject.sessionHash());
        }
        String jwt = claims.jws().algorithm(SignatureAlgorithm.ES256).keyId(keyId).sign(signingKey);
        return new Token(jwt, Instant.ofEpochSecond(expires.getEpochSecond()));
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
}
