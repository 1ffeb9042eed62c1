package io.otpservice.store;

/**
 * Key names: one half of the Lua/Java contract (the other is the {@code K} helpers in
 * {@code lua/lib.lua}; {@code FieldsContractTest} proves they agree).
 *
 * <p>Every key of one recipient (its verifications, its live pointers, its send and failure logs)
 * carries the same hash tag, a short prefix of the recipient's HMAC, so each script touches one hash
 * slot and runs unchanged on Redis Cluster. No key holds a phone number or an address.
 *
 * <p>The rule for keys a script derives itself (not passed in {@code KEYS}): only keys of the slot of
 * {@code KEYS[1]}, built from {@code KEYS[1]}'s own prefix with the {@code K} helpers. Redis Cluster
 * routes a script by its {@code KEYS}; a derived key in the same slot is always on the same node.
 */
public final class Keys {

    public static final String ROOT = "otp:";

    private Keys() {
    }

    /** The hash tag of a recipient: the first 4 hex digits of its HMAC (65536 tags over 16384 slots). */
    public static String tag(String recipientHash) {
        return recipientHash.substring(0, 4);
    }

    /** Prefix of every key in the recipient's slot: {@code otp:{tag}:}. */
    public static String slotPrefix(String tag) {
        return ROOT + "{" + tag + "}:";
    }

    public static String verification(VerificationId id) {
        return slotPrefix(id.tag()) + "v:" + id.value();
    }

    /** The id of the live verification of a recipient and purpose. */
    public static String livePointer(String recipientHash, String purpose) {
        return slotPrefix(tag(recipientHash)) + "l:" + recipientHash + ":" + purpose;
    }

    /** Sliding-window log of the sends to a recipient. */
    public static String recipientSends(String recipientHash) {
        return slotPrefix(tag(recipientHash)) + "s:" + recipientHash;
    }

    /** Sliding-window log of the failed checks of a recipient, across verifications. */
    public static String recipientFailures(String recipientHash) {
        return slotPrefix(tag(recipientHash)) + "f:" + recipientHash;
    }

    /** Sliding-window log of the creates from one client address: a slot of its own. */
    public static String clientCreates(String clientHash) {
        return ROOT + "{c" + clientHash.substring(0, 4) + "}:c:" + clientHash;
    }

    public static String idempotency(String keyHash) {
        return ROOT + "{i" + keyHash.substring(0, 4) + "}:i:" + keyHash;
    }
}
