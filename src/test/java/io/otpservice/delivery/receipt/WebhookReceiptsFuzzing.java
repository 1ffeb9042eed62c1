package io.otpservice.delivery.receipt;

import io.otpservice.api.JsonSettings;
import io.otpservice.support.TestConfig;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * Receipts of the webhook provider: each input (its body; a first line is taken as a query) is read
 * unsigned, stale and signed. Only the signed read may be taken. Run by ReceiptsFuzzTest.
 */
final class WebhookReceiptsFuzzing {

    private WebhookReceiptsFuzzing() {
    }

    private static final WebhookReceipts READER = new WebhookReceipts(TestConfig.otp(), mapper());

    static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new JsonSettings().customize(mapper);
        return mapper;
    }

    static void read(byte[] data) {
        ReceiptFuzzing.Input in = ReceiptFuzzing.Input.of(data);
        String type = "application/json";
        ReceiptFuzzing.read(READER, type, in, Map.of(), false);
        long now = System.currentTimeMillis() / 1000;
        ReceiptFuzzing.read(READER, type, in, headers(now - 3600, in.body()), false);
        if (ReceiptFuzzing.utf8(in.body())) {
            ReceiptFuzzing.read(READER, type, in, headers(now, in.body()), true);
        }
    }

    private static Map<String, String> headers(long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return Map.of("X-Otp-Timestamp", Long.toString(timestamp),
                "X-Otp-Signature", "v1=" + HexFormat.of().formatHex(ReceiptFuzzing.hmac("HmacSHA256", TestConfig.WEBHOOK_SECRET, signed)));
    }
}
