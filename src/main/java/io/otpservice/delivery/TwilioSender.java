package io.otpservice.delivery;

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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static io.otpservice.delivery.Resilience.*;

/** SMS through the Twilio Messages API, with a status callback when {@code otp.public-url} is set. */
@Singleton
@Identifier("twilio") // Delivery creates only the configured providers, by this name
public class TwilioSender implements Sender {

    private final OtpConfig.Twilio config;
    private final Optional<String> publicUrl;
    private final ProviderApis.Twilio api;

    public TwilioSender(OtpConfig config) {
        this.config = config.sms().twilio();
        this.publicUrl = config.publicUrl();
        this.api = ProviderApis.client(ProviderApis.Twilio.class, this.config.baseUrl());
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public List<String> problems() {
        List<String> missing = new ArrayList<>();
        if (config.accountSid().isEmpty()) {
            missing.add("otp.sms.twilio.account-sid");
        }
        if (config.authToken().isEmpty()) {
            missing.add("otp.sms.twilio.auth-token");
        }
        if (config.from().isEmpty() && config.messagingServiceSid().isEmpty()) {
            missing.add("otp.sms.twilio.from or otp.sms.twilio.messaging-service-sid");
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
    @CircuitBreakerName("twilio")
    public Uni<Void> send(Outgoing out) {
        out.tried();
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("To", out.message().recipient());
        config.messagingServiceSid().ifPresentOrElse(sid -> form.add("MessagingServiceSid", sid),
                () -> form.add("From", config.from().orElseThrow()));
        form.add("Body", out.text());
        Callbacks.url(publicUrl, name()).ifPresent(url -> form.add("StatusCallback",
                url + "?ref=" + out.message().reference()));
        String sid = config.accountSid().orElseThrow();
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (sid + ":" + config.authToken().orElseThrow()).getBytes(StandardCharsets.UTF_8));
        return out.call(api.send(sid, basic, form), response -> Failures.requireSuccess(name(), response.getStatus()))
                .onFailure().transform(f -> Failures.classify(name(), f))
                .replaceWithVoid();
    }
}
