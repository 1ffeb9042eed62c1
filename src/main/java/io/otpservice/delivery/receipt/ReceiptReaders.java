package io.otpservice.delivery.receipt;

import io.otpservice.delivery.Delivery;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import java.util.Optional;

/** The receipt reader of a provider that is configured; none for the others. */
@Singleton
public class ReceiptReaders {

    private final Delivery delivery;
    private final Instance<ReceiptReader> readers;

    public ReceiptReaders(Delivery delivery, Instance<ReceiptReader> readers) {
        this.delivery = delivery;
        this.readers = readers;
    }

    public Optional<ReceiptReader> of(String provider) {
        if (delivery.provider(provider).isEmpty()) {
            return Optional.empty();
        }
        return readers.stream().filter(r -> r.provider().equals(provider)).findFirst();
    }
}
