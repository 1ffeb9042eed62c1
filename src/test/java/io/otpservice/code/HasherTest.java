package io.otpservice.code;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class HasherTest {

    private static final byte[] OLD = "an-old-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "a-new-secret-of-at-least-32-bytes!!!".getBytes(StandardCharsets.UTF_8);

    @Test
    void theFirstSecretSignsAndEverySecretVerifies() {
        Hasher before = new Hasher(List.of(OLD));
        Hasher rotated = new Hasher(List.of(NEW, OLD));
        String stored = before.codeHash("VE1", "123456");
        assertThat(rotated.codeHashCandidates("VE1", "123456")).contains(stored);
        assertThat(rotated.codeHash("VE1", "123456")).isNotEqualTo(stored);
    }

    @Test
    void theHashBindsTheCodeToItsVerification() {
        Hasher hasher = new Hasher(List.of(OLD));
        assertThat(hasher.codeHash("VE1", "123456")).isNotEqualTo(hasher.codeHash("VE2", "123456"))
                .doesNotContain("123456").hasSize(64);
        assertThat(hasher.sessionHash("123456")).isNotEqualTo(hasher.codeHash("", "123456"));
    }

    @Test
    void malformedUnicodeIsNeverHashedAsSomethingElse() {
        Hasher hasher = new Hasher(List.of(OLD));
        // String.getBytes(UTF_8) makes both of these "?": the session binding was bypassed that way
        for (String lone : new String[]{"\ud800", "\udfff", "a\udc00b", "\udc00\ud800"}) {
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> hasher.sessionHash(lone));
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> hasher.sessionHashCandidates(lone));
        }
        assertThat(hasher.sessionHash("\ud83d\ude00")).isNotEqualTo(hasher.sessionHash("?")).hasSize(64);
    }

    /** Each thread hashes with its own Mac: the same text gives the same hash everywhere, HMAC-SHA256 of its UTF-8. */
    @Test
    void everyThreadHashesTheSameTextAlikeAndAsHmacOfItsUtf8() throws Exception {
        Hasher shared = new Hasher(List.of(NEW, OLD));
        List<String> texts = List.of("alice@example.com", "Zoë", "用户@例子.广告", "\ud83d\ude00 ok", "");
        Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(OLD, "HmacSHA256"));
        for (String text : texts) {
            String expected = HexFormat.of().formatHex(
                    reference.doFinal(("session:" + text).getBytes(StandardCharsets.UTF_8)));
            assertThat(shared.sessionHashCandidates(text).get(1)).isEqualTo(expected);
        }
        Hasher fresh = new Hasher(List.of(NEW, OLD));
        Map<String, String> hashes = new HashMap<>();
        texts.forEach(text -> hashes.put(text, fresh.sessionHash(text)));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String text = texts.get(i % texts.size());
                        if (!shared.sessionHash(text).equals(hashes.get(text))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> run : runs) {
                assertThat(run.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theRecipientCipherRoundTripsAcrossRotation() {
        CodeGenerator random = new CodeGenerator();
        RecipientCipher before = new RecipientCipher(new Hasher(List.of(OLD)), random);
        RecipientCipher rotated = new RecipientCipher(new Hasher(List.of(NEW, OLD)), random);
        String sealed = before.encrypt("+14155550100");
        assertThat(sealed).doesNotContain("4155550100");
        assertThat(rotated.open(sealed).orElseThrow()).isEqualTo("+14155550100");
        assertThat(before.encrypt("+14155550100")).isNotEqualTo(sealed);
    }
}
