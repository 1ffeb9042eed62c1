package io.otpservice.delivery;

import java.time.Duration;

/**
 * Every provider of a channel failed. {@code allCircuitsOpen} says no provider was even tried
 * because each one's circuit breaker was open; {@code mayHaveBeenSent} that some call ended without
 * an outcome (a timeout, a connection lost after the request went out, some parts taken), so the
 * message may arrive.
 */
public final class DeliveryFailedException extends RuntimeException {

    private final String provider;
    private final int attempts;
    private final String lastError;
    private final boolean allCircuitsOpen;
    private final boolean mayHaveBeenSent;
    private final Duration breakerDelay;

    DeliveryFailedException(String provider, int attempts, String lastError, boolean allCircuitsOpen,
                            boolean mayHaveBeenSent, Duration breakerDelay) {
        super(lastError, null, false, false);
        this.provider = provider;
        this.attempts = attempts;
        this.lastError = lastError;
        this.allCircuitsOpen = allCircuitsOpen;
        this.mayHaveBeenSent = mayHaveBeenSent;
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

    public boolean mayHaveBeenSent() {
        return mayHaveBeenSent;
    }
}
