package io.otpservice.ratelimit;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.List;

/** The configured limit windows, parsed once at start; a bad value stops the service naming its key. */
@Singleton
@Startup
public final class Limits {

    private final List<Window> recipientSends;
    private final List<Window> recipientFailures;
    private final List<Window> clientCreates;

    public Limits(OtpConfig config) {
        this.recipientSends = List.copyOf(windows("otp.limits.recipient-sends", config.limits().recipientSends()));
        this.recipientFailures = List.copyOf(windows("otp.limits.recipient-failures", config.limits().recipientFailures()));
        this.clientCreates = List.copyOf(windows("otp.limits.client-creates", config.limits().clientCreates()));
    }

    public List<Window> recipientSends() {
        return recipientSends;
    }

    public List<Window> recipientFailures() {
        return recipientFailures;
    }

    public List<Window> clientCreates() {
        return clientCreates;
    }

    private static List<Window> windows(String key, String spec) {
        try {
            return Window.parseList(spec);
        } catch (RuntimeException e) {
            throw new ConfigurationException(key + ": " + e.getMessage() + " (expected e.g. 5/15m,20/24h)");
        }
    }
}
