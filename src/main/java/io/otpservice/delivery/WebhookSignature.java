package io.otpservice.delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The signature of the webhook provider, both ways: {@code X-Otp-Signature: v1=<hex>}, the
 * HMAC-SHA256 under the shared secret of {@code <X-Otp-Timestamp>.<body>}, the timestamp in Unix
 * seconds. A receipt older or newer than five minutes is refused, so a captured one cannot be replayed later.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-Otp-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Otp-Signature";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    public static String sign(String secret, long timestamp, String body) {
        return "v1=" + HexFormat.of().formatHex(hmac("HmacSHA256", secret, timestamp + "." + body));
    }

    public static boolean verify(String secret, String timestamp, String signature, String body, Instant now) {
        if (timestamp == null || signature == null || !timestamp.matches("[0-9]{1,12}")) {
            return false;
        }
        long ts = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - ts) > TOLERANCE.toSeconds()) {
            return false;
        }
        return constantTimeEquals(sign(secret, ts, body), signature.trim());
    }

    public static byte[] hmac(String algorithm, String secret, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    public static boolean constantTimeEquals(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
