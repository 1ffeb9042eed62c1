package io.otpservice.delivery.receipt;

import io.otpservice.config.OtpConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static io.otpservice.delivery.receipt.ReceiptParsing.*;

/**
 * Vonage delivery receipts, as query, form or JSON fields; signed either with the {@code sig} field
 * (SHA-256 HMAC) or a signed JWT in {@code Authorization: Bearer}.
 */
@Singleton
public class VonageReceipts implements ReceiptReader {

    /** The refusal of a JWT-signed receipt with fields in its query (public: the fuzz tests allow our own sentences only). */
    public static final String JWT_QUERY = "A receipt signed by a JWT carries its fields in its body only.";

    private final Optional<String> signatureSecret;
    private final ObjectMapper json;

    public VonageReceipts(OtpConfig config, ObjectMapper json) {
        this.signatureSecret = config.sms().vonage().signatureSecret();
        this.json = json;
    }

    @Override
    public String provider() {
        return "vonage";
    }

    @Override
    public Receipt read(IncomingReceipt in) {
        Map<String, String> params = new HashMap<>(firstValues(form(in.rawQuery())));
        Map<String, String> body = isJson(in.contentType()) ? flatJson(json, in.body()) : firstValues(form(in.body()));
        String authorization = in.header().apply("Authorization");
        if (authorization != null && !params.isEmpty()) {
            // a JWT signs the body only (its payload_hash): a field in the query would be read unsigned
            throw new ReceiptRejected.Unreadable(JWT_QUERY);
        }
        neverInBoth(params, body);
        params.putAll(body);
        String secret = signatureSecret.orElseThrow(ReceiptRejected.BadSignature::new);
        // no Authorization: the sig field; an Authorization of any other form than a valid Bearer JWT is refused
        boolean valid = authorization == null
                ? ReceiptSignatures.vonageSig(secret, params, Instant.now())
                : authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && ReceiptSignatures.vonageJwt(secret, authorization.substring(7).strip(), in.body(), Instant.now());
        if (!valid) {
            throw new ReceiptRejected.BadSignature();
        }
        Optional<Receipt.Status> status = switch (params.getOrDefault("status", "")) {
            case "delivered" -> Optional.of(Receipt.Status.DELIVERED);
            case "failed", "rejected", "expired" -> Optional.of(Receipt.Status.FAILED);
            case "accepted", "buffered" -> Optional.of(Receipt.Status.SENT);
            default -> Optional.empty();
        };
        String code = errorCode(params.get("err-code"), "err-code");
        return new Receipt(params.get("client-ref"), status,
                code == null || "0".equals(code) ? null : "vonage: err-code " + code);
    }
}
