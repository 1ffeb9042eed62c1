package io.otpservice.delivery;

import java.time.Duration;

/**
 * Every provider of a channel failed. {@code allCircuitsOpen} says no provider was even tried
 * because each one's circuit breaker was open.
 */
public final class DeliveryFailedException extends RuntimeException {

    private final String provider;
    private final int attempts;
    private final String lastError;
    private final boolean allCircuitsOpen;
    private final Duration breakerDelay;

    DeliveryFailedException(String provider, int attempts, String lastError, boolean allCircuitsOpen,
                            Duration breakerDelay) {
        super(lastError, null, false, false);
        this.provider = provider;
        this.attempts = attempts;
        this.lastError = lastError;
        this.allCircuitsOpen = allCircuitsOpen;
        this.breakerDelay = breakerDelay;
    }

    /** About when an open breaker lets a trial call through: the Retry-After when every circuit was open. */
    public Duration breakerDelay() {
        return breakerDelay;
    }

    public String provider() {
        return provider;
    }

    public int attempts() {
        return attempts;
    }

    public String lastError() {
        return lastError;
    }

    public boolean allCircuitsOpen() {
        return allCircuitsOpen;
    }
}
