package io.otpservice.store;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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

    /**
     * Prefix of the keys of one number prefix's conversion guard, a slot of its own:
     * {@code otp:{p44770}:} for {@code +44770}. A prefix is a country calling code and a few digits,
     * never a whole number (the guard keeps at least four digits of every number out of it).
     */
    public static String prefixSlot(String prefix) {
        return ROOT + "{p" + prefix.substring(1) + "}:";
    }

    /** Sliding-window log of the SMS sends to a number prefix. */
    public static String prefixSends(String prefix) {
        return prefixSlot(prefix) + "ps";
    }

    /** Sliding-window log of the approvals of verifications whose sends the prefix counted. */
    public static String prefixApprovals(String prefix) {
        return prefixSlot(prefix) + "pa";
    }

    /** A number prefix's block, while it lasts (a hash: prefix, country, since, until). */
    public static String prefixBlock(String prefix) {
        return prefixSlot(prefix) + "pb";
    }

    /** Sliding-window log of the SMS sends to one destination country (ISO code): a slot of its own. */
    public static String countrySends(String country) {
        return ROOT + "{n" + country + "}:n";
    }

    /** Sliding-window log of the creates through one API key (its configured name): a slot of its own. */
    public static String apiKeyCreates(String name) {
        return ROOT + "{k" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "}:k";
    }

    /**
     * The index of the prefixes blocked (a sorted set: prefix, scored by the block's end), for the
     * operators' list. The block keys are the truth; the index may name blocks that ended.
     */
    public static String fraudBlocks() {
        return ROOT + "{fraud}:blocks";
    }
}
