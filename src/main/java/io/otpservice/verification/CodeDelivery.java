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
 * Delivers the code of a fresh send and records how it went; test recipients get nothing. When no
 * provider confirms it, the caller gets delivery-failed and the send is taken back:
 * <ul>
 * <li>every provider refused it: it counts against no limit (the recipient's, the prefix's, the
 * country's); a first send cancels the verification, a resend keeps the previous codes;</li>
 * <li>a provider may have taken it (a timeout, a connection lost after the request went out, some parts
 * taken): it counts against every limit, since the code may arrive; a first send cancels the
 * verification and leaves only its prefix's conversion guard, a resend stands as sent;</li>
 * <li>every provider's circuit was open, so nothing was tried: the caller gets unavailable, and a first
 * send's verification is deleted, so the request leaves nothing stored.</li>
 * </ul>
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
        VerificationException answer;
        VerificationStore.Unsend how;
        if (failed.allCircuitsOpen()) {
            // no provider was tried: the breakers' own state changes are logged, not each refusal
            LOG.debugf("delivery %s to=%s: every provider's circuit is open", message.reference(), v.maskedRecipient());
            answer = new VerificationException.Unavailable(failed.breakerDelay());
            how = VerificationStore.Unsend.FORGET;
        } else if (failed.mayHaveBeenSent()) {
            LOG.warnf("delivery %s to=%s: no provider confirmed it, and one may have taken it (a timeout, a lost"
                    + " connection, some parts taken); it may arrive, and it stays counted", message.reference(),
                    v.maskedRecipient());
            answer = new VerificationException.DeliveryFailed(true);
            how = VerificationStore.Unsend.COUNTED;
        } else {
            LOG.warnf("delivery %s to=%s failed on every provider; the send is taken back", message.reference(),
                    v.maskedRecipient());
            answer = new VerificationException.DeliveryFailed(false);
            how = VerificationStore.Unsend.UNCOUNTED;
        }
        Uni<Void> unsent = store.unsend(v.id(), v.sends(), new StoredVerification.Delivery(DeliveryStatus.FAILED,
                failed.provider(), failed.attempts(), failed.lastError()), how);
        if (how != VerificationStore.Unsend.COUNTED) {
            unsent = unsent.chain(() -> fraud.takeBack(v, recipient));
        } else if (v.sends() == 1) {
            unsent = unsent.chain(() -> fraud.takeBackFromConversion(v, recipient));
        }
        return unsent.onItemOrFailure().transformToUni((x, f) -> Uni.createFrom().failure(answer));
    }
}
