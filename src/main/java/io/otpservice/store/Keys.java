package io.otpservice.store;

/**
 * Key names. Every key of one recipient (its verifications, its live pointers, its send and failure
 * logs) carries the same hash tag, a short prefix of the recipient's HMAC, so each script touches
 * one hash slot and runs unchanged on Redis Cluster. No key holds a phone number or an address.
 */
public final class Keys {

    public static final String ROOT = "otp:";

    private Keys() {
    }

    /** The hash tag of a recipient: the first 4 hex digits of its HMAC (65536 tags over 16384 slots). */
    public static String tag(String recipientHash) {
        return recipientHash.substring(0, 4);
    }

    /** Prefix of every key in the recipient's slot. */
    public static String slotPrefix(String tag) {
        return ROOT + "{" + tag + "}:";
    }

    public static String verification(String id) {
        return slotPrefix(Ids.tag(id)) + "v:" + id;
    }

    public static String livePointer(String recipientHash, String purpose) {
        return slotPrefix(tag(recipientHash)) + "l:" + recipientHash + ":" + purpose;
    }

    public static String recipientSends(String recipientHash) {
        return slotPrefix(tag(recipientHash)) + "s:" + recipientHash;
    }

    public static String recipientFailures(String recipientHash) {
        return slotPrefix(tag(recipientHash)) + "f:" + recipientHash;
    }

    public static String clientCreates(String clientHash) {
        return ROOT + "{c" + clientHash.substring(0, 4) + "}:c:" + clientHash;
    }

    public static String idempotency(String keyHash) {
        return ROOT + "{i" + keyHash.substring(0, 4) + "}:i:" + keyHash;
    }
}
