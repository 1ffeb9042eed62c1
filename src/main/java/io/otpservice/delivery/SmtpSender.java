package io.otpservice.delivery;

import io.otpservice.config.OtpConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import static io.otpservice.delivery.Resilience.*;

/**
 * E-mail through the Quarkus reactive mailer, with a text and an HTML part (SMTP settings are the
 * standard quarkus.mailer.*). A 4xx SMTP reply or a lost connection is retried; a 5xx is not.
 */
@Singleton
@Identifier("smtp") // Delivery creates only the configured providers, by this name
public class SmtpSender implements Sender {

    private final ReactiveMailer mailer;
    private final String from;

    public SmtpSender(ReactiveMailer mailer, OtpConfig config) {
        this.mailer = mailer;
        this.from = config.email().from();
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    @Timeout(SMTP_TIMEOUT_MS)
    @Retry(maxRetries = MAX_RETRIES, delay = RETRY_DELAY_MS, jitter = RETRY_JITTER_MS, maxDuration = SMTP_RETRY_MAX_DURATION_MS,
            retryOn = {DeliveryException.Transient.class, TimeoutException.class}, abortOn = DeliveryException.Permanent.class)
    @ExponentialBackoff(maxDelay = RETRY_MAX_DELAY_MS)
    @CircuitBreaker(requestVolumeThreshold = BREAKER_VOLUME, failureRatio = BREAKER_RATIO, delay = BREAKER_DELAY_MS,
            successThreshold = BREAKER_SUCCESSES, skipOn = DeliveryException.Permanent.class)
    @CircuitBreakerName("smtp")
    public Uni<Void> send(Outgoing out) {
        out.tried();
        Mail mail = Mail.withText(out.message().recipient(), out.subject(), out.text()).setHtml(out.html()).setFrom(from);
        return out.call(mailer.send(mail), sent -> { }).onFailure().transform(f -> Failures.classify(name(), f));
    }
}
