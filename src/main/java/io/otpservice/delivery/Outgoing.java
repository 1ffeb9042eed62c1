package io.otpservice.delivery;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A rendered message on its way: subject and HTML only for e-mail. {@code attempts} counts every
 * call to a provider, retries included. {@link #toString()} leaves out the content.
 */
public record Outgoing(Message message, String subject, String text, String html, AtomicInteger attempts) {

    /** Counts one more call to a provider. */
    public void tried() {
        attempts.incrementAndGet();
    }

    @Override
    public String toString() {
        return "Outgoing[" + message + "]";
    }
}
