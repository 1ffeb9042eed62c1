package io.otpservice.delivery.receipt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.config.OtpConfig;
import io.otpservice.delivery.WebhookSignature;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static io.otpservice.delivery.receipt.ReceiptParsing.*;

/** Receipts of the webhook provider: JSON {@code {reference, status, error}}, signed like its requests. */
@Singleton
public class WebhookReceipts implements ReceiptReader {

    private final Optional<String> secret;
    private final ObjectMapper json;

    public WebhookReceipts(OtpConfig config, ObjectMapper json) {
        this.secret = config.sms().webhook().secret();
        this.json = json;
    }

    @Override
    public String provider() {
        return "webhook";
    }

    @Override
    public Receipt read(IncomingReceipt in) {
        if (!WebhookSignature.verify(secret.orElseThrow(ReceiptRejected.BadSignature::new),
                in.header().apply(WebhookSignature.TIMESTAMP_HEADER), in.header().apply(WebhookSignature.SIGNATURE_HEADER),
                in.body(), Instant.now())) {
            throw new ReceiptRejected.BadSignature();
        }
        Map<String, String> fields = flatJson(json, in.body());
        Optional<Receipt.Status> status = switch (fields.getOrDefault("status", "")) {
            case "delivered" -> Optional.of(Receipt.Status.DELIVERED);
            case "failed" -> Optional.of(Receipt.Status.FAILED);
            case "sent" -> Optional.of(Receipt.Status.SENT);
            default -> Optional.empty();
        };
        String error = fields.get("error");
        return new Receipt(fields.get("reference"), status, error == null ? null : "webhook: " + words(error));
    }
}
