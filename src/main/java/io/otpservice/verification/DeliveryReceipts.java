package io.otpservice.verification;

import io.otpservice.delivery.receipt.IncomingReceipt;
import io.otpservice.delivery.receipt.Receipt;
import io.otpservice.delivery.receipt.ReceiptReaders;
import io.otpservice.observability.Metrics;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.StoredVerification.DeliveryStatus;
import io.otpservice.store.VerificationId;
import io.otpservice.store.VerificationStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Delivery receipts: the provider's reader checks the signature and reads the receipt, then the
 * delivery state of the send it names moves, if that provider took the send. A valid receipt about an
 * unknown, expired or older send, or one another provider took, is accepted and changes nothing, so
 * providers do not retry it.
 */
@Singleton
public class DeliveryReceipts {

    /** The reference we hand to providers: {@code <verification id>.<send number>}. */
    private static final Pattern REFERENCE = Pattern.compile("(VE[0-9a-f]{32})\\.([1-9][0-9]?)");

    private final ReceiptReaders readers;
    private final VerificationStore store;
    private final Metrics metrics;

    public DeliveryReceipts(ReceiptReaders readers, VerificationStore store, Metrics metrics) {
        this.readers = readers;
        this.store = store;
        this.metrics = metrics;
    }

    public Uni<Void> accept(String provider, IncomingReceipt in) {
        Receipt receipt = readers.of(provider).orElseThrow(() -> new VerificationException.NotFound(
                "No delivery receipts are taken for this provider.")).read(in);
        Matcher reference = receipt.reference() == null ? null : REFERENCE.matcher(receipt.reference());
        if (receipt.status().isEmpty() || reference == null || !reference.matches()) {
            metrics.receipt(provider, receipt.status().map(DeliveryReceipts::wire).orElse("ignored"), false);
            return Uni.createFrom().voidItem();
        }
        DeliveryStatus status = switch (receipt.status().get()) {
            case SENT -> DeliveryStatus.SENT;
            case DELIVERED -> DeliveryStatus.DELIVERED;
            case FAILED -> DeliveryStatus.FAILED;
        };
        // an error only means something on a failure: a delivered send keeps no lastError
        String error = status == DeliveryStatus.FAILED ? receipt.error() : null;
        return store.recordReceipt(new VerificationId(reference.group(1)), Integer.parseInt(reference.group(2)),
                        provider, new StoredVerification.Delivery(status, null, 0, error))
                .invoke(moved -> metrics.receipt(provider, status.wire(), moved))
                .replaceWithVoid();
    }

    private static String wire(Receipt.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
