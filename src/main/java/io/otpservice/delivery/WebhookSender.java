package io.otpservice.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otpservice.config.OtpConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.otpservice.delivery.Resilience.*;

/**
 * SMS through any HTTP endpoint: POSTs {@code {reference, channel, to, text, locale, purpose}} as
 * JSON, signed with {@link WebhookSignature}. Any 2xx answer means taken.
 */
@Singleton
@Identifier("webhook") // Delivery creates only the configured providers, by this name
public class WebhookSender implements Sender {

    static final int MIN_SECRET_LENGTH = 32;

    private final OtpConfig.Webhook config;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    private final ProviderApis.Webhook api;

    public WebhookSender(OtpConfig config, ObjectMapper json) {
        this.config = config.sms().webhook();
        this.json = json;
        this.api = this.config.url().map(url -> ProviderApis.client(ProviderApis.Webhook.class, url)).orElse(null);
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public List<String> problems() {
        List<String> missing = new ArrayList<>();
        if (config.url().isEmpty()) {
            missing.add("otp.sms.webhook.url");
        }
        if (config.secret().map(String::length).orElse(0) < MIN_SECRET_LENGTH) {
            missing.add("otp.sms.webhook.secret (at least " + MIN_SECRET_LENGTH + " characters)");
        }
        return missing;
    }

    @Override
    @Timeout(SMS_TIMEOUT_MS)
    @Retry(maxRetries = MAX_RETRIES, delay = RETRY_DELAY_MS, jitter = RETRY_JITTER_MS, maxDuration = RETRY_MAX_DURATION_MS,
            retryOn = {DeliveryException.Transient.class, TimeoutException.class}, abortOn = DeliveryException.Permanent.class)
    @ExponentialBackoff(maxDelay = RETRY_MAX_DELAY_MS)
    @CircuitBreaker(requestVolumeThreshold = BREAKER_VOLUME, failureRatio = BREAKER_RATIO, delay = BREAKER_DELAY_MS,
            successThreshold = BREAKER_SUCCESSES, skipOn = DeliveryException.Permanent.class)
    @CircuitBreakerName("webhook")
    public Uni<Void> send(Outgoing out) {
        out.tried();
        Message m = out.message();
        ObjectNode payload = json.createObjectNode()
                .put("reference", m.reference())
                .put("channel", m.channel().wire())
                .put("to", m.recipient())
                .put("text", out.text())
                .put("locale", m.locale())
                .put("purpose", m.purpose());
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new DeliveryException.Permanent(name() + ": cannot write the request"));
        }
        long now = clock.instant().getEpochSecond();
        String signature = WebhookSignature.sign(config.secret().orElseThrow(), now, body);
        return out.call(api.send(Long.toString(now), signature, body),
                        response -> Failures.requireSuccess(name(), response.getStatus()))
                .onFailure().transform(f -> Failures.classify(name(), f))
                .replaceWithVoid();
    }
}
