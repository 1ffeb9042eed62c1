package io.otpservice.store;

import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A verification as Redis holds it (codes and session only as hashes, the recipient sealed). */
public record StoredVerification(
        String id,
        String status,
        String sealedRecipient,
        String maskedRecipient,
        String channel,
        String purpose,
        String locale,
        String recipientHash,
        boolean testRecipient,
        String sessionHash,
        int codeLength,
        String country,
        Instant createdAt,
        Instant expiresAt,
        int attempts,
        int maxAttempts,
        int sends,
        int maxSends,
        Instant nextResendAt,
        Delivery delivery) {

    public StoredVerification withDelivery(Delivery newDelivery) {
        return new StoredVerification(id, status, sealedRecipient, maskedRecipient, channel, purpose, locale,
                recipientHash, testRecipient, sessionHash, codeLength, country, createdAt, expiresAt, attempts, maxAttempts,
                sends, maxSends, nextResendAt, newDelivery);
    }

    public record Delivery(String status, String provider, int attempts, String lastError) {
    }

    /** From the flat field/value list of HGETALL. */
    static StoredVerification from(Response fields) {
        Map<String, String> f = new HashMap<>();
        if (fields.type() == ResponseType.MULTI && !fields.getKeys().isEmpty()) {
            // RESP3 answers HGETALL with a map
            for (String key : fields.getKeys()) {
                f.put(key, fields.get(key).toString());
            }
        } else {
            // RESP2, and every table a script returns: a flat field/value list
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                f.put(fields.get(i).toString(), fields.get(i + 1).toString());
            }
        }
        return from(f);
    }

    static StoredVerification from(Map<String, String> f) {
        return new StoredVerification(
                f.get("id"), f.get("st"), f.get("rc"), f.get("mk"), f.get("ch"), f.get("pu"), f.get("lo"),
                f.get("rh"), "1".equals(f.get("t")), f.get("ss"), integer(f.get("cl")), f.getOrDefault("co", ""),
                millis(f.get("ca")), millis(f.get("ea")),
                integer(f.get("at")), integer(f.get("ma")), integer(f.get("sn")), integer(f.get("ms")),
                millis(f.get("nr")),
                new Delivery(f.getOrDefault("ds", "queued"), blankToNull(f.get("dp")), integer(f.get("da")),
                        blankToNull(f.get("de"))));
    }

    private static Instant millis(String value) {
        return Instant.ofEpochMilli(Long.parseLong(value));
    }

    private static int integer(String value) {
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
