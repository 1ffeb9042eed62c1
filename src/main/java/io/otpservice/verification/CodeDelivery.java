package io.otpservice.verification;

import io.otpservice.delivery.Delivery;
import io.otpservice.delivery.DeliveryFailedException;
import io.otpservice.delivery.Message;
import io.otpservice.fraud.FraudGuard;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.StoredVerification.DeliveryStatus;
import io.otpservice.store.VerificationStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Delivers the code of a fresh send and records how it went; test recipients get nothing. When every
 * provider fails, the send is taken back (not counted, by the recipient's limits nor the prefix and
 * country budgets; a first send cancels the verification, a resend keeps the previous code) and the caller gets delivery-failed, or unavailable when every
 * provider's circuit was open.
 */
@Singleton
public class CodeDelivery {

    private static final Logger LOG = Logger.getLogger("otp.verification");

    private final Delivery delivery;
    private final VerificationStore store;
    private final FraudGuard fraud;

    public CodeDelivery(Delivery delivery, VerificationStore store, FraudGuard fraud) {
        this.delivery = delivery;
        this.store = store;
        this.fraud = fraud;
    }

    public Uni<StoredVerification> deliver(StoredVerification v, String recipient, String code) {
        if (v.testRecipient()) {
            return Uni.createFrom().item(v);
        }
        Message message = new Message(v.id().value(), v.id().value() + "." + v.sends(), v.channel(), recipient,
                v.maskedRecipient(), code, v.locale(), v.purpose(), Duration.between(Instant.now(), v.expiresAt()));
        return delivery.deliver(message)
                .onFailure(DeliveryFailedException.class).recoverWithUni(failure -> takeBack(v, recipient, message,
                        (DeliveryFailedException) failure))
                .chain(report -> {
                    StoredVerification.Delivery recorded = new StoredVerification.Delivery(DeliveryStatus.SENT,
                            report.provider(), report.attempts(), report.lastError());
                    return store.recordDelivery(v.id(), v.sends(), recorded).replaceWith(v.withDelivery(recorded));
                });
    }

    private <T> Uni<T> takeBack(StoredVerification v, String recipient, Message message,
                                DeliveryFailedException failed) {
        LOG.warnf("delivery %s to=%s failed on every provider; the send is taken back", message.reference(),
                v.maskedRecipient());
        VerificationException answer = failed.allCircuitsOpen()
                ? new VerificationException.Unavailable(failed.breakerDelay())
                : new VerificationException.DeliveryFailed();
        return store.unsend(v.id(), v.sends(), new StoredVerification.Delivery(DeliveryStatus.FAILED,
                        failed.provider(), failed.attempts(), failed.lastError()))
                .chain(() -> fraud.takeBack(v, recipient))
                .onItemOrFailure().transformToUni((x, f) -> Uni.createFrom().failure(answer));
    }
}
