package io.otpservice.delivery.receipt;

import io.otpservice.support.TestConfig;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Twilio status callbacks as a stranger can send them: each input (query, newline, form body) is read
 * unsigned, which must be refused, and signed with Twilio's scheme over what the reader parsed, which
 * must be taken or refused as unreadable, never as badly signed. Run by ReceiptsFuzzTest.
 */
final class TwilioReceiptsFuzzing {

    private TwilioReceiptsFuzzing() {
    }

    private static final TwilioReceipts READER = new TwilioReceipts(TestConfig.otp());

    static void read(byte[] data) {
        ReceiptFuzzing.Input in = ReceiptFuzzing.Input.of(data);
        String type = "application/x-www-form-urlencoded";
        ReceiptFuzzing.read(READER, type, in, Map.of(), false);
        ReceiptFuzzing.read(READER, type, in, Map.of("X-Twilio-Signature", "c2lnbmF0dXJl"), false);

        Map<String, List<String>> params;
        try {
            params = ReceiptParsing.form(in.bodyText());
            ReceiptParsing.form(in.query());
        } catch (ReceiptRejected.Unreadable e) {
            return; // nothing to sign: the reads above were refused as unreadable
        }
        if (!ReceiptFuzzing.utf8(in.body())) {
            return;
        }
        StringBuilder signed = new StringBuilder(ReceiptFuzzing.CALLBACKS + "twilio");
        if (in.query() != null && !in.query().isEmpty()) {
            signed.append('?').append(in.query());
        }
        new TreeMap<>(params).forEach((name, values) -> values.stream().sorted()
                .forEach(value -> signed.append(name).append(value)));
        String signature = Base64.getEncoder().encodeToString(ReceiptFuzzing.hmac("HmacSHA1", TestConfig.TWILIO_TOKEN,
                signed.toString().getBytes(StandardCharsets.UTF_8)));
        ReceiptFuzzing.read(READER, type, in, Map.of("X-Twilio-Signature", signature), true);
    }
}
