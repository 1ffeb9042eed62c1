package io.otpservice.store;

/**
 * The fields of a verification's Redis hash: one half of the Lua/Java contract. The other half is
 * the {@code F} table in {@code lua/lib.lua}, which the scripts use instead of literal names; the
 * constant {@code FOO_BAR} here is {@code F.foo_bar} there, and {@code FieldsContractTest} proves
 * the two agree. Names are two letters because there is one hash per verification in memory. A
 * prefix's block hash ({@link Keys#prefixBlock}) uses the same table.
 */
public final class Fields {

    /** The verification id, {@code VE…}. */
    public static final String ID = "id";
    /** pending, approved, canceled or failed (expired is a pending one past {@link #EXPIRES_AT}). */
    public static final String STATUS = "st";
    /** The recipient, AES-GCM sealed (a resend must reach it again): its first 64 characters. */
    public static final String SEALED_RECIPIENT = "rc";
    /**
     * The rest of the sealed recipient, when longer than 64 characters (an e-mail address over 20): a
     * value over 64 bytes turns Redis' compact listpack hash into a hashtable, 1584 instead of 552 bytes.
     */
    public static final String SEALED_RECIPIENT_REST = "r2";
    /** The recipient as the API shows it. */
    public static final String MASKED_RECIPIENT = "mk";
    public static final String CHANNEL = "ch";
    public static final String PURPOSE = "pu";
    public static final String LOCALE = "lo";
    /** HMAC of the normalised recipient: names the recipient's keys. */
    public static final String RECIPIENT_HASH = "rh";
    /** HMAC of the session the verification is bound to; absent when none. */
    public static final String SESSION_HASH = "ss";
    /** "1" for a test recipient; absent otherwise. */
    public static final String TEST_RECIPIENT = "t";
    public static final String CODE_LENGTH = "cl";
    /** ISO country of a phone number; "" for e-mail. */
    public static final String COUNTRY = "co";
    /** HMAC of the current code; deleted when the verification ends. */
    public static final String CODE_HASH = "h1";
    /** HMAC of the previous code (still valid after one resend). */
    public static final String PREVIOUS_CODE_HASH = "h0";
    /** What a failed resend restores: the code hash before it, and its cooldown end. */
    public static final String RESTORE_CODE_HASH = "hp";
    public static final String RESTORE_NEXT_RESEND = "np";
    /** Times in Unix milliseconds, from the Redis clock. */
    public static final String CREATED_AT = "ca";
    public static final String EXPIRES_AT = "ea";
    public static final String NEXT_RESEND_AT = "nr";
    /** The last change: a send, a check, the end; for answers that show it (Twilio's date_updated). */
    public static final String UPDATED_AT = "ua";
    /**
     * When each counted send was made: whole seconds after {@link #CREATED_AT}, comma-separated, the
     * first send's 0 included; a send taken back leaves the list. Seconds keep ten sends under 64
     * bytes, so the hash stays a compact listpack (hash-max-listpack-value).
     */
    public static final String SEND_TIMES = "sa";
    /** The first resend cooldown in ms; it doubles with each send. */
    public static final String COOLDOWN = "cd";
    public static final String ATTEMPTS = "at";
    public static final String MAX_ATTEMPTS = "ma";
    /** Sends so far, the first one included; the number of the current send. */
    public static final String SENDS = "sn";
    public static final String MAX_SENDS = "ms";
    /** Delivery of the current send: queued, sent, delivered or failed; provider; calls; last error. */
    public static final String DELIVERY_STATUS = "ds";
    public static final String DELIVERY_PROVIDER = "dp";
    public static final String DELIVERY_ATTEMPTS = "da";
    public static final String DELIVERY_ERROR = "de";
    /**
     * A receipt that came while its send was still with the providers ({@code provider|status|error}):
     * which provider takes the send is not known until the service hears back, so it waits here, and
     * counts only if that provider sent it. Gone once the send is decided.
     */
    public static final String EARLY_RECEIPT = "dr";
    /**
     * The number prefix whose conversion guard counted this verification's sends (absent when none
     * did); in a prefix's block hash, the blocked prefix.
     */
    public static final String PREFIX = "px";
    /** A prefix block's start and end, in Unix milliseconds (its country is {@link #COUNTRY}). */
    public static final String BLOCKED_AT = "ba";
    public static final String BLOCKED_UNTIL = "bu";

    private Fields() {
    }
}
