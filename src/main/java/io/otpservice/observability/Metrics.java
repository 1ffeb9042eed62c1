package io.otpservice.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The service's own meters. Tags are bounded: channel, purpose (configured names), ISO country,
 * provider, outcome, limit. Never a recipient, an id or a code.
 */
@Singleton
public class Metrics {

    private final MeterRegistry registry;
    /** Meters by name and tag values: building and registering one per event costs more than the increment. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private Counter counter(String key, Supplier<Counter.Builder> builder) {
        Counter counter = counters.get(key);
        return counter != null ? counter : counters.computeIfAbsent(key, k -> builder.get().register(registry));
    }

    public void created(String channel, String purpose, String country) {
        counter("created\n" + channel + "\n" + purpose + "\n" + country, () -> Counter.builder("otp.verifications.created")
                .description("Verifications created (a code sent)")
                .tags("channel", channel, "purpose", purpose, "country", country(country))).increment();
    }

    public void approved(String channel, String purpose, String country) {
        counter("approved\n" + channel + "\n" + purpose + "\n" + country, () -> Counter.builder("otp.verifications.approved")
                .description("Verifications approved; over created, the conversion")
                .tags("channel", channel, "purpose", purpose, "country", country(country))).increment();
    }

    /** outcome: approved, incorrect, too_many_attempts, not_found, rate_limited, approved_by_key (/v2, no code). */
    public void checked(String channel, String purpose, String outcome) {
        counter("checked\n" + orUnknown(channel) + "\n" + orUnknown(purpose) + "\n" + outcome, () -> Counter.builder("otp.verifications.checked")
                .description("Checks by outcome")
                .tags("channel", orUnknown(channel), "purpose", orUnknown(purpose), "outcome", outcome)).increment();
    }

    /** Delivery receipts by provider and the status they reported; moved: whether the state changed. */
    public void receipt(String provider, String status, boolean moved) {
        Counter.builder("otp.delivery.receipts").description("Delivery receipts from providers")
                .tags("provider", provider, "status", status, "moved", Boolean.toString(moved))
                .register(registry).increment();
    }

    /** outcome: sent, failed (after its retries) or circuit_open (not tried). */
    public void sent(String channel, String provider, String outcome, Duration latency) {
        Counter.builder("otp.sends").description("Deliveries of a code by channel, provider and outcome")
                .tags("channel", channel, "provider", provider, "outcome", outcome)
                .register(registry).increment();
        Timer.builder("otp.delivery").description("Time to hand a code to one provider, retries included")
                .tags("channel", channel, "provider", provider)
                .publishPercentileHistogram()
                .register(registry).record(latency);
    }

    public void rateLimited(String limit) {
        counter("limited\n" + limit, () -> Counter.builder("otp.rate.limit.rejections").description("Requests refused by a limit")
                .tag("limit", limit)).increment();
    }

    /** A number prefix blocked by the conversion guard; reason: low-conversion. */
    public void fraudBlock(String country, String reason) {
        Counter.builder("otp.fraud.blocks").description("Number prefixes blocked by the conversion guard")
                .tags("country", country(country), "reason", reason)
                .register(registry).increment();
    }

    /** A prefix block that ended before its time; reason: recovered (approvals came) or lifted (an operator). */
    public void fraudUnblock(String country, String reason) {
        Counter.builder("otp.fraud.unblocks").description("Prefix blocks ended early: conversion recovered, or lifted")
                .tags("country", country(country), "reason", reason)
                .register(registry).increment();
    }

    /**
     * A create or send refused by an abuse rule; reason: prefix-guard, country-sends, api-key-creates
     * or number-type. The country is the destination's (none for e-mail).
     */
    public void fraudRefused(String country, String reason) {
        Counter.builder("otp.fraud.blocked.sends").description("Creates and sends refused by an abuse-protection rule")
                .tags("country", country(country), "reason", reason)
                .register(registry).increment();
    }

    private static String country(String country) {
        return country == null || country.isEmpty() ? "none" : country;
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }
}
