package io.otpservice.code;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Encrypts the recipient kept on a verification (a resend must reach it again) so Redis never
 * holds a phone number or address in clear. AES-256-GCM with keys derived from the HMAC secrets:
 * the first encrypts, all decrypt.
 */
public final class RecipientCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final List<SecretKeySpec> keys;
    private final CodeGenerator random;
    /** Cipher.getInstance looks the provider up each time (a visible share of a create in JFR); one per thread, re-initialised per use. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    public RecipientCipher(Hasher hasher, CodeGenerator random) {
        List<SecretKeySpec> derived = new ArrayList<>();
        for (int i = 0; i < hasher.secretCount(); i++) {
            derived.add(new SecretKeySpec(hasher.derive(i, "recipient-encryption-v1"), "AES"));
        }
        this.keys = List.copyOf(derived);
        this.random = random;
    }

    public String encrypt(String recipient) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.getFirst(), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(recipient.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The recipient, unless it was sealed under a secret that is no longer configured. */
    public Optional<String> open(String sealed) {
        byte[] in = Base64.getDecoder().decode(sealed);
        for (SecretKeySpec key : keys) {
            try {
                Cipher cipher = CIPHERS.get();
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
                return Optional.of(new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                // sealed under another secret: try the next one
            }
        }
        return Optional.empty();
    }
}
