package io.otpservice.delivery.receipt;

import io.otpservice.config.OtpConfig;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.otpservice.delivery.receipt.ReceiptParsing.*;

/**
 * Twilio status callbacks: form fields signed with {@code X-Twilio-Signature} over the URL Twilio
 * called, which is {@code otp.public-url} plus the callback path and our {@code ref} query.
 */
@Singleton
public class TwilioReceipts implements ReceiptReader {

    private final Optional<String> authToken;
    private final Optional<String> publicUrl;

    public TwilioReceipts(OtpConfig config) {
        this.authToken = config.sms().twilio().authToken();
        this.publicUrl = config.publicUrl();
    }

    @Override
    public String provider() {
        return "twilio";
    }

    @Override
    public Receipt read(IncomingReceipt in) {
        // both read before the signature is checked, so an unreadable one is a 400 whoever sent it
        Map<String, List<String>> params = form(in.body());
        Map<String, List<String>> queryParams = form(in.rawQuery());
        neverInBoth(queryParams, params);
        String query = in.rawQuery() == null || in.rawQuery().isEmpty() ? "" : "?" + in.rawQuery();
        String url = Callbacks.url(publicUrl, provider()).orElse(in.requestUrl()) + query;
        if (!ReceiptSignatures.twilio(authToken.orElseThrow(ReceiptRejected.BadSignature::new), url, params,
                in.header().apply("X-Twilio-Signature"))) {
            throw new ReceiptRejected.BadSignature();
        }
        Optional<Receipt.Status> status = switch (first(params, "MessageStatus")) {
            case "delivered" -> Optional.of(Receipt.Status.DELIVERED);
            case "undelivered", "failed" -> Optional.of(Receipt.Status.FAILED);
            case "accepted", "queued", "sending", "sent" -> Optional.of(Receipt.Status.SENT);
            case null, default -> Optional.empty();
        };
        String code = errorCode(first(params, "ErrorCode"), "ErrorCode");
        return new Receipt(first(queryParams, "ref"), status, code == null ? null : "twilio: error " + code);
    }
}
