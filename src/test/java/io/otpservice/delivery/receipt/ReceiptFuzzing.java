package io.otpservice.delivery.receipt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the receipt fuzz targets share: the input's shape (the raw query, a newline, the body; no
 * newline means no query), the tests' own HMAC, and what every outcome of a read must satisfy.
 */
final class ReceiptFuzzing {

    static final String CALLBACKS = "https://otp.test.example/v1/delivery-callbacks/";
    /** What a stored lastError may be: a provider's name and a code or plain words, never its text. */
    private static final Pattern ERROR = Pattern.compile(
            "twilio: error [0-9]{0,8}|vonage: err-code [0-9]{0,8}|webhook: [A-Za-z ._:-]{0,64}");
    /** A refusal's message is one of our own sentences, never built from the request. */
    private static final java.util.Set<String> OWN_SENTENCES = java.util.Set.of(
            new ReceiptRejected.BadSignature().getMessage(), ReceiptParsing.NOT_A_FORM,
            "The receipt names a field more than once.", "The receipt is not UTF-8 text.",
            "The receipt is not valid Unicode text.", "The receipt must be a JSON object.", "The receipt is not valid JSON.", VonageReceipts.JWT_QUERY,
            WebhookReceipts.NO_REFERENCE, WebhookReceipts.BAD_STATUS, ReceiptParsing.notAString("reference"),
            ReceiptParsing.notAString("status"), ReceiptParsing.notAString("error"),
            ReceiptParsing.notAnErrorCode("ErrorCode"), ReceiptParsing.notAnErrorCode("err-code"));

    private ReceiptFuzzing() {
    }

    /** The raw query (null when none) and the body of one input. */
    record Input(String query, byte[] body) {
        static Input of(byte[] data) {
            int newline = indexOf(data, (byte) '\n');
            if (newline < 0) {
                return new Input(null, data);
            }
            // a request line is read as ISO-8859-1 text, one char per byte
            return new Input(new String(data, 0, newline, StandardCharsets.ISO_8859_1),
                    Arrays.copyOfRange(data, newline + 1, data.length));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads and checks the outcome: a receipt, or a refusal of the kind allowed; anything else escapes (a finding). */
    static Receipt read(ReceiptReader reader, String contentType, Input in, Map<String, String> headers,
                        boolean signed) {
        try {
            IncomingReceipt incoming = IncomingReceipt.of(contentType, in.body(), headers::get,
                    CALLBACKS + reader.provider(), in.query());
            Receipt receipt = reader.read(incoming);
            if (!signed) {
                throw new AssertionError("an unsigned receipt was taken");
            }
            if (receipt.error() != null && !ERROR.matcher(receipt.error()).matches()) {
                throw new AssertionError("a lastError outside the allowed shape");
            }
            return receipt;
        } catch (ReceiptRejected rejected) {
            if (!OWN_SENTENCES.contains(rejected.getMessage())) {
                throw new AssertionError("a refusal's message that may quote the request");
            }
            if (signed && rejected instanceof ReceiptRejected.BadSignature) {
                throw new AssertionError("signed as the provider documents, refused: the signature and the reading disagree");
            }
            return null;
        }
    }

    static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the bytes are UTF-8 (the service refuses any other body before reading it). */
    static boolean utf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
