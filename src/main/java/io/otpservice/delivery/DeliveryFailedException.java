package io.otpservice.delivery;

/**
 * Every provider of a channel failed. {@code allCircuitsOpen} says no provider was even tried
 * because each one's circuit breaker was open.
 */
public final class DeliveryFailedException extends RuntimeException {

    private final String provider;
    private final int attempts;
    private final String lastError;
    private final boolean allCircuitsOpen;

    DeliveryFailedException(String provider, int attempts, String lastError, boolean allCircuitsOpen) {
        super(lastError, null, false, false);
        this.provider = provider;
        this.attempts = attempts;
        this.lastError = lastError;
        this.allCircuitsOpen = allCircuitsOpen;
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
