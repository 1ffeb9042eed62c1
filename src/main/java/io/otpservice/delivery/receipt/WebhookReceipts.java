package io.otpservice.delivery.receipt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.config.OtpConfig;
import io.otpservice.delivery.WebhookSignature;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.otpservice.delivery.receipt.ReceiptParsing.*;

/** Receipts of the webhook provider: JSON {@code {reference, status, error}}, signed like its requests. */
@Singleton
public class WebhookReceipts implements ReceiptReader {

    static final String NO_REFERENCE = "reference is required.";
    static final String BAD_STATUS = "status must be delivered, failed or sent.";
    static final Set<String> STRINGS = Set.of("reference", "status", "error");

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
        // our own protocol, so read strictly: its members are strings, and status one of three
        Map<String, String> fields = flatJson(json, in.body(), STRINGS);
        if (fields.get("reference") == null) {
            throw new ReceiptRejected.Unreadable(NO_REFERENCE);
        }
        Receipt.Status status = switch (fields.getOrDefault("status", "")) {
            case "delivered" -> Receipt.Status.DELIVERED;
            case "failed" -> Receipt.Status.FAILED;
            case "sent" -> Receipt.Status.SENT;
            default -> throw new ReceiptRejected.Unreadable(BAD_STATUS);
        };
        String error = fields.get("error");
        return new Receipt(fields.get("reference"), Optional.of(status), error == null ? null : "webhook: " + words(error));
    }
}
