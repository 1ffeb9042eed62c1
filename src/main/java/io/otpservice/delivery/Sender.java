package io.otpservice.delivery;

import io.smallrye.mutiny.Uni;

import java.util.List;

/** Something that delivers a code over one channel: an SMS provider, SMTP, the log. */
public interface Sender {

    String name();

    /** Hands the message to the provider; fails with a {@link DeliveryException} when it is refused. */
    Uni<Void> send(Outgoing message);

    /** What is missing from the configuration for this sender to work; empty when ready. */
    default List<String> problems() {
        return List.of();
    }
}
