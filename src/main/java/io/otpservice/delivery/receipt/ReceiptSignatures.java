package io.otpservice.delivery.receipt;

import io.otpservice.delivery.WebhookSignature;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks the signatures providers put on their delivery receipts. Every comparison is constant-time. */
public final class ReceiptSignatures {

    private ReceiptSignatures() {
    }

    /**
     * Twilio: {@code X-Twilio-Signature} is Base64(HMAC-SHA1(auth token, URL + every POST parameter
     * name and value, sorted by name)), the URL exactly as Twilio called it, query included.
     */
    public static boolean twilio(String authToken, String url, Map<String, List<String>> params, String signature) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, values) -> values.stream().sorted()
                .forEach(value -> data.append(name).append(value)));
        String expected = Base64.getEncoder().encodeToString(WebhookSignature.hmac("HmacSHA1", authToken, data.toString()));
        return WebhookSignature.constantTimeEquals(expected, signature.trim());
    }

    /**
     * Vonage signed webhooks (SMS API, the SHA-256 HMAC method): {@code sig} is the upper-case hex
     * HMAC-SHA256, under the signature secret, of {@code &name=value} for every other parameter
     * sorted by name ({@code &} and {@code =} in values replaced by {@code _}); {@code timestamp}
     * (Unix seconds) must be within five minutes.
     */
    public static boolean vonageSig(String secret, Map<String, String> params, Instant now) {
        String sig = params.get("sig");
        String timestamp = params.get("timestamp");
        if (sig == null || timestamp == null || !timestamp.matches("[0-9]{1,12}")
                || Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) > WebhookSignature.TOLERANCE.toSeconds()) {
            return false;
        }
        StringBuilder data = new StringBuilder();
        new TreeMap<>(params).forEach((name, value) -> {
            if (!"sig".equals(name)) {
                data.append('&').append(name).append('=').append(value.replace('&', '_').replace('=', '_'));
            }
        });
        String expected = HexFormat.of().withUpperCase().formatHex(WebhookSignature.hmac("HmacSHA256", secret, data.toString()));
        return WebhookSignature.constantTimeEquals(expected, sig.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Vonage signed JWT ({@code Authorization: Bearer}): HS256 under the signature secret, issued
     * within five minutes, carrying {@code payload_hash}: the SHA-256 (hex) of the body, which alone it signs.
     */
    public static boolean vonageJwt(String secret, String jwt, String body, Instant now) {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireIssuedAt()
                .setIssuedAtRestrictions((int) WebhookSignature.TOLERANCE.toSeconds(), (int) WebhookSignature.TOLERANCE.toSeconds())
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(now.getEpochSecond()))
                .setSkipDefaultAudienceValidation()
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(jwt);
            Object hash = claims.getClaimValue("payload_hash");
            // without it the token would vouch for any body sent with it within its five minutes
            return hash != null && WebhookSignature.constantTimeEquals(sha256Hex(body), hash.toString().toLowerCase(java.util.Locale.ROOT));
        } catch (InvalidJwtException e) {
            return false;
        }
    }

    static String sha256Hex(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
