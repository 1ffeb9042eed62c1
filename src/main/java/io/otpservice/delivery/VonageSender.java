package io.otpservice.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpservice.config.OtpConfig;
import io.otpservice.delivery.receipt.Callbacks;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.otpservice.delivery.Resilience.*;

/**
 * SMS through the Vonage SMS API. Vonage answers 200 even when it refuses a message: the status of
 * each part says how it went (0 accepted; 1 throttled and 5 internal error are worth a retry).
 */
@Singleton
@Identifier("vonage") // Delivery creates only the configured providers, by this name
public class VonageSender implements Sender {

    private final OtpConfig.Vonage config;
    private final Optional<String> publicUrl;
    private final ProviderApis.Vonage api;

    public VonageSender(OtpConfig config) {
        this.config = config.sms().vonage();
        this.publicUrl = config.publicUrl();
        this.api = ProviderApis.client(ProviderApis.Vonage.class, this.config.baseUrl());
    }

    @Override
    public String name() {
        return "vonage";
    }

    @Override
    public List<String> problems() {
        List<String> missing = new ArrayList<>();
        config.apiKey().ifPresentOrElse(k -> { }, () -> missing.add("otp.sms.vonage.api-key"));
        config.apiSecret().ifPresentOrElse(k -> { }, () -> missing.add("otp.sms.vonage.api-secret"));
        config.from().ifPresentOrElse(k -> { }, () -> missing.add("otp.sms.vonage.from"));
        return missing;
    }

    @Override
    @Timeout(SMS_TIMEOUT_MS)
    @Retry(maxRetries = MAX_RETRIES, delay = RETRY_DELAY_MS, jitter = RETRY_JITTER_MS, maxDuration = RETRY_MAX_DURATION_MS,
            retryOn = {DeliveryException.Transient.class, TimeoutException.class}, abortOn = DeliveryException.Permanent.class)
    @ExponentialBackoff(maxDelay = RETRY_MAX_DELAY_MS)
    @CircuitBreaker(requestVolumeThreshold = BREAKER_VOLUME, failureRatio = BREAKER_RATIO, delay = BREAKER_DELAY_MS,
            successThreshold = BREAKER_SUCCESSES, skipOn = DeliveryException.Permanent.class)
    @CircuitBreakerName("vonage")
    public Uni<Void> send(Outgoing out) {
        out.tried();
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("api_key", config.apiKey().orElseThrow());
        form.add("api_secret", config.apiSecret().orElseThrow());
        form.add("from", config.from().orElseThrow());
        form.add("to", out.message().recipient().substring(1)); // Vonage wants E.164 without the '+'
        form.add("text", out.text());
        form.add("type", Gsm7.fits(out.text()) ? "text" : "unicode");
        form.add("client-ref", out.message().reference());
        Callbacks.url(publicUrl, name()).ifPresent(url -> {
            form.add("status-report-req", "1");
            form.add("callback", url);
        });
        return out.call(api.send(form), this::requireAccepted)
                .onFailure().transform(f -> Failures.classify(name(), f))
                .replaceWithVoid();
    }

    private void requireAccepted(JsonNode answer) {
        JsonNode messages = answer == null ? null : answer.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new DeliveryException.Transient(name() + ": answer without messages");
        }
        boolean someTaken = false;
        DeliveryException refused = null;
        for (JsonNode part : messages) {
            String status = part.path("status").asText("");
            if ("0".equals(status)) {
                someTaken = true;
            } else if (refused == null) {
                String reason = name() + ": status " + status.replaceAll("[^0-9]", "");
                refused = "1".equals(status) || "5".equals(status) ? new DeliveryException.Transient(reason)
                        : new DeliveryException.Permanent(reason);
            }
        }
        if (refused != null) {
            throw someTaken ? new DeliveryException.PartlySent(refused.getMessage() + " (after other parts were taken)")
                    : refused;
        }
    }
}
