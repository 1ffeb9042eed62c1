package io.otpservice.delivery;

import io.smallrye.mutiny.Uni;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A rendered message on its way: subject and HTML only for e-mail. {@code attempts} counts every
 * call to a provider, retries included; {@code unsettled} the calls whose outcome is unknown (see
 * {@link #call}). {@link #toString()} leaves out the content.
 */
public record Outgoing(Message message, String subject, String text, String html, AtomicInteger attempts,
                       AtomicInteger unsettled) {

    Outgoing(Message message, String subject, String text, String html) {
        this(message, subject, text, html, new AtomicInteger(), new AtomicInteger());
    }

    /** Counts one more call to a provider. */
    public void tried() {
        attempts.incrementAndGet();
    }

    /**
     * One call to a provider, watched: {@code accept} judges its answer (and throws when the provider
     * refused the message). The call counts as unsettled, the message possibly handed over, unless the
     * provider refused it (an error status, an SMTP reply, an answer {@code accept} rejects) or it failed
     * before the message could leave (refused connection, unknown host, TLS handshake). A call cut short
     * by a timeout, or by a connection lost after the request went out, stays unsettled; so does one
     * whose answer came after its timeout had given up on it, a success included, and one the provider
     * took in part ({@link DeliveryException.PartlySent}).
     */
    <T> Uni<T> call(Uni<T> call, Consumer<T> accept) {
        unsettled.incrementAndGet();
        return call
                .onFailure(Failures::neverLeft).invoke(unsettled::decrementAndGet)
                .invoke(answer -> {
                    try {
                        accept.accept(answer);
                    } catch (DeliveryException refused) {
                        if (!(refused instanceof DeliveryException.PartlySent)) {
                            unsettled.decrementAndGet();
                        }
                        throw refused;
                    }
                });
    }

    /** Some call may have handed the message over, though none confirmed it. */
    boolean mayHaveBeenSent() {
        return unsettled.get() > 0;
    }

    @Override
    public String toString() {
        return "Outgoing[" + message + "]";
    }
}
