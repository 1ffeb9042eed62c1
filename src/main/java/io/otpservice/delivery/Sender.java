package io.otpservice.delivery;

import io.smallrye.mutiny.Uni;

/** Something that delivers a code over one channel: an SMS provider, SMTP, the log. */
public interface Sender {

    String name();

    Uni<DeliveryReport> send(Message message);
}
