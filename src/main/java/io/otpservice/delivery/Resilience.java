package io.otpservice.delivery;

/**
 * Defaults of the fault-tolerance annotations on the senders, in one place. Each is overridable
 * per provider: {@code quarkus.fault-tolerance."io.otpservice.delivery.TwilioSender/send".retry.max-retries=4}.
 */
final class Resilience {

    /** One call to an SMS provider. */
    static final long SMS_TIMEOUT_MS = 3_000;
    /** One SMTP session (connect, STARTTLS, send). */
    static final long SMTP_TIMEOUT_MS = 5_000;
    /** Retries after the first call: transient failures only. */
    static final int MAX_RETRIES = 2;
    /** First wait before a retry; doubles (exponential backoff), ± the jitter. */
    static final long RETRY_DELAY_MS = 250;
    static final long RETRY_JITTER_MS = 100;
    static final long RETRY_MAX_DELAY_MS = 2_000;
    /** No more retries once this much time went by on one provider: room for two timed-out calls and a third. */
    static final long RETRY_MAX_DURATION_MS = 10_000;
    static final long SMTP_RETRY_MAX_DURATION_MS = 12_000;
    /** The breaker opens when half of the last 10 calls failed, and lets one call through after 30 s. */
    static final int BREAKER_VOLUME = 10;
    static final double BREAKER_RATIO = 0.5;
    static final long BREAKER_DELAY_MS = 30_000;
    static final int BREAKER_SUCCESSES = 1;

    private Resilience() {
    }
}
