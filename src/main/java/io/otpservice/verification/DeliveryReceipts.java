package io.otpservice.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.otpservice.config.OtpConfig;
import io.otpservice.delivery.Delivery;
import io.otpservice.delivery.ReceiptSignatures;
import io.otpservice.delivery.Sender;
import io.otpservice.delivery.TwilioSender;
import io.otpservice.delivery.VonageSender;
import io.otpservice.delivery.WebhookSender;
import io.otpservice.delivery.WebhookSignature;
import io.otpservice.observability.Metrics;
import io.otpservice.store.Ids;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Delivery receipts: checks the provider's signature, then moves the delivery state of the send the
 * receipt names. A valid receipt about an unknown, expired or older send is accepted and changes
 * nothing, so providers do not retry it.
 */
@Singleton
public class DeliveryReceipts {

    private static final String PATH = "/v1/delivery-callbacks/";

    /** A receipt as it arrived: the raw body, its headers, the query string of the URL. */
    public record Incoming(String provider, String contentType, String body, UnaryOperator<String> header,
                           String requestUrl, String rawQuery) {
    }

    private record Receipt(String reference, String status, String error) {
    }

    private final Delivery delivery;
    private final VerificationStore store;
    private final Metrics metrics;
    private final ObjectMapper json;
    private final Optional<String> publicUrl;

    public DeliveryReceipts(Delivery delivery, VerificationStore store, Metrics metrics, ObjectMapper json,
                            OtpConfig config) {
        this.delivery = delivery;
        this.store = store;
        this.metrics = metrics;
        this.json = json;
        this.publicUrl = config.publicUrl();
    }

    public Uni<Void> accept(Incoming in) {
        Sender sender = delivery.provider(in.provider()).orElseThrow(() -> new DomainException.NotFound(
                "No delivery receipts are taken for this provider."));
        Receipt receipt = switch (sender) {
            case TwilioSender twilio -> twilio(twilio, in);
            case VonageSender vonage -> vonage(vonage, in);
            case WebhookSender webhook -> webhook(webhook, in);
            default -> throw new DomainException.NotFound("No delivery receipts are taken for this provider.");
        };
        int dot = receipt.reference() == null ? -1 : receipt.reference().lastIndexOf('.');
        if (receipt.status() == null || dot < 0 || !Ids.valid(receipt.reference().substring(0, dot))
                || !receipt.reference().substring(dot + 1).matches("[1-9][0-9]?")) {
            metrics.receipt(in.provider(), receipt.status() == null ? "ignored" : receipt.status(), false);
            return Uni.createFrom().voidItem();
        }
        String id = receipt.reference().substring(0, dot);
        int send = Integer.parseInt(receipt.reference().substring(dot + 1));
        return store.recordDelivery(id, send, new StoredVerification.Delivery(receipt.status(), null, 0, receipt.error()))
                .invoke(moved -> metrics.receipt(in.provider(), receipt.status(), moved))
                .replaceWithVoid();
    }

    private Receipt twilio(TwilioSender twilio, Incoming in) {
        Map<String, List<String>> params = new QueryStringDecoder(in.body(), StandardCharsets.UTF_8, false).parameters();
        String url = publicUrl.map(u -> u + PATH + in.provider()).orElse(in.requestUrl())
                + (in.rawQuery() == null || in.rawQuery().isEmpty() ? "" : "?" + in.rawQuery());
        if (!ReceiptSignatures.twilio(twilio.authToken().orElseThrow(), url, params, in.header().apply("X-Twilio-Signature"))) {
            throw new DomainException.BadSignature();
        }
        Map<String, List<String>> query = new QueryStringDecoder(in.rawQuery() == null ? "" : in.rawQuery(),
                StandardCharsets.UTF_8, false).parameters();
        String status = switch (first(params, "MessageStatus")) {
            case "delivered" -> "delivered";
            case "undelivered", "failed" -> "failed";
            case "accepted", "queued", "sending", "sent" -> "sent";
            case null, default -> null;
        };
        String code = first(params, "ErrorCode");
        return new Receipt(first(query, "ref"), status, code == null ? null : "twilio: error " + digits(code));
    }

    private Receipt vonage(VonageSender vonage, Incoming in) {
        Map<String, String> params = new HashMap<>();
        if (in.rawQuery() != null) {
            new QueryStringDecoder(in.rawQuery(), StandardCharsets.UTF_8, false).parameters()
                    .forEach((k, v) -> params.put(k, v.getFirst()));
        }
        params.putAll(isJson(in.contentType()) ? flatJson(in.body())
                : flatten(new QueryStringDecoder(in.body(), StandardCharsets.UTF_8, false).parameters()));
        String secret = vonage.signatureSecret().orElseThrow(DomainException.BadSignature::new);
        String authorization = in.header().apply("Authorization");
        boolean valid = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? ReceiptSignatures.vonageJwt(secret, authorization.substring(7).trim(), in.body(), Instant.now())
                : ReceiptSignatures.vonageSig(secret, params, Instant.now());
        if (!valid) {
            throw new DomainException.BadSignature();
        }
        String status = switch (params.getOrDefault("status", "")) {
            case "delivered" -> "delivered";
            case "failed", "rejected", "expired" -> "failed";
            case "accepted", "buffered" -> "sent";
            default -> null;
        };
        String code = params.get("err-code");
        return new Receipt(params.get("client-ref"), status,
                code == null || "0".equals(code) ? null : "vonage: err-code " + digits(code));
    }

    private Receipt webhook(WebhookSender webhook, Incoming in) {
        if (!WebhookSignature.verify(webhook.secret().orElseThrow(), in.header().apply(WebhookSignature.TIMESTAMP_HEADER),
                in.header().apply(WebhookSignature.SIGNATURE_HEADER), in.body(), Instant.now())) {
            throw new DomainException.BadSignature();
        }
        Map<String, String> fields = flatJson(in.body());
        String status = switch (fields.getOrDefault("status", "")) {
            case "delivered", "failed", "sent" -> fields.get("status");
            default -> null;
        };
        String error = fields.get("error");
        return new Receipt(fields.get("reference"), status, error == null ? null : "webhook: " + safe(error));
    }

    /** The top-level members of a JSON object as text; anything else is a 400. */
    private Map<String, String> flatJson(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new DomainException.InvalidRequest("The receipt must be a JSON object.", List.of());
            }
            Map<String, String> out = new HashMap<>();
            node.properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
            return out;
        } catch (JsonProcessingException e) {
            throw new DomainException.InvalidRequest("The receipt is not valid JSON.", List.of());
        }
    }

    private static Map<String, String> flatten(Map<String, List<String>> params) {
        Map<String, String> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, v.getFirst()));
        return out;
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String digits(String value) {
        String d = value.replaceAll("[^0-9]", "");
        return d.length() > 8 ? d.substring(0, 8) : d;
    }

    /** A provider's error as plain words: no markup, no numbers long enough to be a phone number or code. */
    private static String safe(String error) {
        String s = error.replaceAll("[^A-Za-z ._:-]", "").strip();
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
