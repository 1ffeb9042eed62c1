package io.otpservice.store;

import io.otpservice.recipient.Channel;
import io.vertx.mutiny.redis.client.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static io.otpservice.store.Fields.*;

/**
 * A verification as Redis holds it (codes and session only as hashes, the recipient sealed).
 * {@code updatedAt} is its last change; {@code sendTimes} when each counted send was made (to the second
 * after the create, whose own time is exact).
 * {@code prefix}: the number prefix whose conversion guard counts its sends and approval; null when none does.
 */
public record StoredVerification(
        VerificationId id,
        Status status,
        String sealedRecipient,
        String maskedRecipient,
        Channel channel,
        String purpose,
        String locale,
        String recipientHash,
        boolean testRecipient,
        String sessionHash,
        int codeLength,
        String country,
        String prefix,
        Instant createdAt,
        Instant expiresAt,
        Instant updatedAt,
        int attempts,
        int maxAttempts,
        int sends,
        int maxSends,
        Instant nextResendAt,
        List<Instant> sendTimes,
        Delivery delivery) {

    public StoredVerification {
        sendTimes = List.copyOf(sendTimes);
    }

    /** Where a verification is in its life; only {@link #PENDING} accepts checks and resends. */
    public enum Status {
        PENDING, APPROVED, CANCELED, EXPIRED, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** How the current send is going: it only moves forward, queued → sent → delivered | failed. */
    public enum DeliveryStatus {
        QUEUED, SENT, DELIVERED, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static DeliveryStatus fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** The delivery of the current send: which provider took it, after how many calls, the last error. */
    public record Delivery(DeliveryStatus status, String provider, int attempts, String lastError) {
    }

    public StoredVerification withDelivery(Delivery newDelivery) {
        return new StoredVerification(id, status, sealedRecipient, maskedRecipient, channel, purpose, locale,
                recipientHash, testRecipient, sessionHash, codeLength, country, prefix, createdAt, expiresAt, updatedAt,
                attempts, maxAttempts, sends, maxSends, nextResendAt, sendTimes, newDelivery);
    }

    /** The hash fields this verification is stored as (the code hashes excepted: they are never read back). */
    Map<String, String> toFields() {
        Map<String, String> f = new HashMap<>();
        f.put(ID, id.value());
        f.put(STATUS, status.wire());
        if (sealedRecipient != null) {
            // whole: these fields travel as one encoded value (IdempotencyStore), not as a Redis hash
            f.put(SEALED_RECIPIENT, sealedRecipient);
        }
        f.put(MASKED_RECIPIENT, maskedRecipient);
        f.put(CHANNEL, channel.wire());
        f.put(PURPOSE, purpose);
        f.put(LOCALE, locale);
        f.put(RECIPIENT_HASH, recipientHash);
        if (testRecipient) {
            f.put(TEST_RECIPIENT, "1");
        }
        put(f, SESSION_HASH, sessionHash);
        f.put(CODE_LENGTH, Integer.toString(codeLength));
        f.put(COUNTRY, country);
        put(f, PREFIX, prefix);
        f.put(CREATED_AT, Long.toString(createdAt.toEpochMilli()));
        f.put(EXPIRES_AT, Long.toString(expiresAt.toEpochMilli()));
        f.put(UPDATED_AT, Long.toString(updatedAt.toEpochMilli()));
        f.put(SEND_TIMES, sendTimes.stream().map(t -> Long.toString(Duration.between(createdAt, t).toSeconds()))
                .collect(Collectors.joining(",")));
        f.put(ATTEMPTS, Integer.toString(attempts));
        f.put(MAX_ATTEMPTS, Integer.toString(maxAttempts));
        f.put(SENDS, Integer.toString(sends));
        f.put(MAX_SENDS, Integer.toString(maxSends));
        f.put(NEXT_RESEND_AT, Long.toString(nextResendAt.toEpochMilli()));
        f.put(DELIVERY_STATUS, delivery.status().wire());
        put(f, DELIVERY_PROVIDER, delivery.provider());
        f.put(DELIVERY_ATTEMPTS, Integer.toString(delivery.attempts()));
        put(f, DELIVERY_ERROR, delivery.lastError());
        return f;
    }

    private static void put(Map<String, String> f, String field, String value) {
        if (value != null) {
            f.put(field, value);
        }
    }

    /** From the flat field/value list of HGETALL. */
    static StoredVerification from(Response fields) {
        Map<String, String> f = HashMap.newHashMap(40);
        if (fields.getDelegate().isMap()) {
            // RESP3 answers HGETALL with a map
            for (String key : fields.getKeys()) {
                f.put(key, fields.get(key).toString());
            }
        } else {
            // by index: on an array, getKeys() and get(key) scan it and decode every element again
            // for each field (a fifth of an approval's CPU in JFR)
            // RESP2, and every table a script returns: a flat field/value list
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                f.put(fields.get(i).toString(), fields.get(i + 1).toString());
            }
        }
        return from(f);
    }

    static StoredVerification from(Map<String, String> f) {
        Instant createdAt = millis(f.get(CREATED_AT));
        return new StoredVerification(
                new VerificationId(f.get(ID)), Status.fromWire(f.get(STATUS)), sealed(f),
                f.get(MASKED_RECIPIENT), Channel.fromWire(f.get(CHANNEL)).orElseThrow(), f.get(PURPOSE), f.get(LOCALE),
                f.get(RECIPIENT_HASH), "1".equals(f.get(TEST_RECIPIENT)), f.get(SESSION_HASH), integer(f.get(CODE_LENGTH)),
                f.getOrDefault(COUNTRY, ""), blankToNull(f.get(PREFIX)), createdAt, millis(f.get(EXPIRES_AT)),
                // kept since the Twilio-compatible API: one of an older version says it changed and sent when created
                f.containsKey(UPDATED_AT) ? millis(f.get(UPDATED_AT)) : createdAt,
                integer(f.get(ATTEMPTS)), integer(f.get(MAX_ATTEMPTS)), integer(f.get(SENDS)), integer(f.get(MAX_SENDS)),
                millis(f.get(NEXT_RESEND_AT)), times(f.get(SEND_TIMES), createdAt),
                new Delivery(DeliveryStatus.fromWire(f.getOrDefault(DELIVERY_STATUS, "queued")),
                        blankToNull(f.get(DELIVERY_PROVIDER)), integer(f.get(DELIVERY_ATTEMPTS)),
                        blankToNull(f.get(DELIVERY_ERROR))));
    }

    private static String sealed(Map<String, String> f) {
        String first = f.get(SEALED_RECIPIENT);
        String rest = f.get(SEALED_RECIPIENT_REST);
        return first == null || rest == null ? first : first + rest;
    }

    private static Instant millis(String value) {
        return Instant.ofEpochMilli(Long.parseLong(value));
    }

    /** Send times from their offsets in seconds after the create (the first send's is 0: the create's own time). */
    private static List<Instant> times(String offsets, Instant createdAt) {
        if (offsets == null) {
            return List.of(createdAt);
        }
        return offsets.isEmpty() ? List.of()
                : Arrays.stream(offsets.split(",")).map(s -> createdAt.plusSeconds(Long.parseLong(s))).toList();
    }

    private static int integer(String value) {
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
