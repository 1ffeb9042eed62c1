package io.otpservice.code;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * HMAC-SHA256 under a list of secrets: the first one signs, every one verifies, so a secret can
 * be rotated without invalidating codes already sent. Each use has its own prefix so a hash of
 * one kind can never stand for another.
 */
public final class Hasher {

    private final List<Mac> prototypes;
    /**
     * Each thread's own copies of the prototypes, made once: a Mac resets itself after doFinal, and a
     * clone per hash (ACCP copies its whole HMAC state) was a tenth of the bytes a create allocates.
     */
    private final ThreadLocal<Mac[]> perThread;

    public Hasher(List<byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret");
        }
        List<Mac> macs = new ArrayList<>();
        for (byte[] secret : secrets) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                macs.add(mac);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
        this.prototypes = List.copyOf(macs);
        this.perThread = ThreadLocal.withInitial(() -> new Mac[prototypes.size()]);
    }

    /** The stored form of a code: HMAC(secret, id ‖ code), hex. */
    public String codeHash(String verificationId, String code) {
        return hex(0, "code:" + verificationId + ":" + code);
    }

    /** The code's hash under every secret, for checking. */
    public List<String> codeHashCandidates(String verificationId, String code) {
        return candidates("code:" + verificationId + ":" + code);
    }

    /** The name under which a recipient's keys live; 128 bits are plenty for a key name. */
    public String recipientHash(String normalisedRecipient) {
        return hex(0, "recipient:" + normalisedRecipient).substring(0, 32);
    }

    /**
     * The recipient's key name under every secret, the current one first: while a rotation keeps an older
     * secret, the recipient's state from before it (its live verifications, its send and failure logs) is
     * still under the older name.
     */
    public List<String> recipientHashCandidates(String normalisedRecipient) {
        return candidates("recipient:" + normalisedRecipient).stream().map(h -> h.substring(0, 32)).toList();
    }

    /** A session as stored. */
    public String sessionHash(String session) {
        return hex(0, "session:" + session);
    }

    public List<String> sessionHashCandidates(String session) {
        return candidates("session:" + session);
    }

    /** An opaque key name part for a client address or an idempotency key. */
    public String opaque(String kind, String value) {
        return hex(0, kind + ":" + value).substring(0, 32);
    }

    /** {@link #opaque} under every secret, the current one first. */
    public List<String> opaqueCandidates(String kind, String value) {
        return candidates(kind + ":" + value).stream().map(h -> h.substring(0, 32)).toList();
    }

    /** Key material derived from the secret at {@code index}, for another primitive. */
    public byte[] derive(int index, String purpose) {
        return mac(index, "derive:" + purpose);
    }

    public int secretCount() {
        return prototypes.size();
    }

    private List<String> candidates(String input) {
        List<String> result = new ArrayList<>(prototypes.size());
        for (int i = 0; i < prototypes.size(); i++) {
            result.add(hex(i, input));
        }
        return result;
    }

    private String hex(int index, String input) {
        return HexFormat.of().formatHex(mac(index, input));
    }

    private byte[] mac(int index, String input) {
        Mac[] macs = perThread.get();
        Mac mac = macs[index];
        if (mac == null) {
            try {
                mac = (Mac) prototypes.get(index).clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
            }
            macs[index] = mac;
        }
        return mac.doFinal(utf8(input));
    }

    /**
     * Strict UTF-8: String.getBytes would turn every lone surrogate into '?', so two different inputs
     * would hash alike. Callers refuse malformed text first; this fails closed if one did not. Text
     * without surrogates (nearly all) is encoded by String.getBytes, without an encoder and its buffers.
     */
    private static byte[] utf8(String input) {
        boolean surrogates = false;
        for (int i = 0; i < input.length() && !surrogates; i++) {
            surrogates = Character.isSurrogate(input.charAt(i));
        }
        if (!surrogates) {
            return input.getBytes(StandardCharsets.UTF_8);
        }
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(input));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not well-formed Unicode; refuse it before hashing");
        }
    }
}
