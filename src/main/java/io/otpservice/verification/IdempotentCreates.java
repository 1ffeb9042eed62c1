package io.otpservice.verification;

import io.otpservice.code.Hasher;
import io.otpservice.config.OtpConfig;
import io.otpservice.store.IdempotencyStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Creates under an {@code Idempotency-Key}: the same key from the same API key within the TTL answers
 * what the first request answered and sends nothing; the same key for another request is a conflict.
 * A first request that fails releases the key, so the caller may retry with it.
 */
@Singleton
public class IdempotentCreates {

    /**
     * How long a claimed key stays "in progress" when its request never completes nor releases it (the
     * process died, or Redis answered the claim after the request had given up): longer than a create can
     * take with its deliveries (the same bound as a send in flight, resend.lua), far shorter than the TTL.
     */
    static final Duration IN_FLIGHT = Duration.ofMinutes(2);

    private final VerificationService lifecycle;
    private final IdempotencyStore idempotency;
    private final Hasher hasher;
    private final Duration ttl;

    public IdempotentCreates(VerificationService lifecycle, IdempotencyStore idempotency, Hasher hasher,
                             OtpConfig config) {
        this.lifecycle = lifecycle;
        this.idempotency = idempotency;
        this.hasher = hasher;
        this.ttl = config.idempotency().ttl();
    }

    /** {@code idempotencyKey} null: a plain create. */
    public Uni<VerificationService.Created> create(CreateCommand command, String idempotencyKey) {
        if (idempotencyKey == null) {
            return lifecycle.create(command);
        }
        lifecycle.admit(command); // a refused create claims nothing
        String keyHash = hasher.opaque("idempotency", command.caller() + "\n" + idempotencyKey);
        // what the request states: a retry from another instance of the backend (another address) still replays
        // (a stated address comes last, so the records of requests without one keep their fingerprints)
        String fingerprint = hasher.opaque("fingerprint", String.join("\n", command.recipient().normalised(),
                command.recipient().channel().wire(), command.policy().name(), command.locale(),
                command.session() == null ? "" : command.session())
                + (command.clientAddressStated() ? "\n" + command.clientAddress() : ""));
        Duration inFlight = IN_FLIGHT.compareTo(ttl) < 0 ? IN_FLIGHT : ttl;
        return idempotency.claim(keyHash, fingerprint, inFlight).chain(claim -> switch (claim) {
            case IdempotencyStore.Claimed c -> lifecycle.create(command)
                    .call(created -> idempotency.complete(keyHash, fingerprint, created.created(),
                            created.verification(), ttl))
                    .onFailure().call(() -> idempotency.release(keyHash));
            case IdempotencyStore.Replay r -> Uni.createFrom().item(
                    new VerificationService.Created(r.created(), false, r.verification()));
            case IdempotencyStore.InProgress p -> Uni.createFrom().failure(new VerificationException.IdempotencyConflict(
                    "A request with this Idempotency-Key is still in progress."));
            case IdempotencyStore.Mismatch m -> Uni.createFrom().failure(new VerificationException.IdempotencyConflict(
                    "This Idempotency-Key was used for a different request."));
        });
    }
}
