package io.otpservice.verification;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.config.OtpConfig;
import io.otpservice.store.IdempotencyStore;
import io.otpservice.store.IdempotencyStore.Claim;
import io.otpservice.store.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

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
    private final CodeGenerator random;
    private final Duration ttl;

    public IdempotentCreates(VerificationService lifecycle, IdempotencyStore idempotency, Hasher hasher,
                             CodeGenerator random, OtpConfig config) {
        this.lifecycle = lifecycle;
        this.idempotency = idempotency;
        this.hasher = hasher;
        this.random = random;
        this.ttl = config.idempotency().ttl();
    }

    /** {@code idempotencyKey} null: a plain create. */
    public Uni<VerificationService.Created> create(CreateCommand command, String idempotencyKey) {
        if (idempotencyKey == null) {
            return lifecycle.create(command);
        }
        lifecycle.admit(command); // a refused create claims nothing
        String key = command.caller() + "\n" + idempotencyKey;
        String request = fingerprinted(command.recipient().normalised(), command.recipient().channel().wire(),
                command.policy().name(), command.locale(), command.session(),
                command.clientAddressStated() ? command.clientAddress() : null);
        String keyHash = hasher.opaque("idempotency", key);
        String fingerprint = hasher.opaque("fingerprint", request);
        Duration inFlight = IN_FLIGHT.compareTo(ttl) < 0 ? IN_FLIGHT : ttl;
        String token = random.hex(8);
        Uni<Claim> claimed = Uni.createFrom().deferred(() -> idempotency.claim(keyHash, fingerprint, token, inFlight))
                // a claim that timed out may still be applied once Redis answers: taken back then, or a caller told
                // to retry in a second would be answered "in progress" for as long as a claim lasts
                .onFailure(StoreUnavailableException.class).invoke(() -> idempotency.releaseEventually(keyHash, fingerprint, token, inFlight));
        if (hasher.secretCount() > 1) {
            claimed = earlier(hasher.opaqueCandidates("idempotency", key), hasher.opaqueCandidates("fingerprint", request),
                    1, claimed);
        }
        return claimed.chain(claim -> switch (claim) {
            case IdempotencyStore.Claimed c -> lifecycle.create(command)
                    .call(created -> idempotency.complete(keyHash, fingerprint, created.created(),
                            created.verification(), ttl))
                    .onFailure().call(() -> idempotency.release(keyHash, fingerprint, token)
                            .onFailure().invoke(() -> idempotency.releaseEventually(keyHash, fingerprint, token, inFlight))
                            .onFailure().recoverWithNull());
            case IdempotencyStore.Replay r -> Uni.createFrom().item(
                    new VerificationService.Created(r.created(), false, r.verification()));
            case IdempotencyStore.InProgress p -> Uni.createFrom().failure(new VerificationException.IdempotencyConflict(
                    "A request with this Idempotency-Key is still in progress."));
            case IdempotencyStore.Mismatch m -> Uni.createFrom().failure(new VerificationException.IdempotencyConflict(
                    "This Idempotency-Key was used for a different request."));
        });
    }

    /**
     * What of a request its record's fingerprint covers: what the request states, so a retry from another
     * instance of the backend (another address) still replays. A stated address comes last, so the records of
     * requests without one keep their fingerprints.
     */
    static String fingerprinted(String recipient, String channel, String purpose, String locale, String session,
                                String statedAddress) {
        return String.join("\n", recipient, channel, purpose, locale, session == null ? "" : session)
                + (statedAddress != null ? "\n" + statedAddress : "");
    }

    /**
     * While a rotation keeps older HMAC secrets: the key's record under an older secret's name, if one is
     * there (the first request came before the rotation), else the claim under the current name.
     */
    private Uni<Claim> earlier(List<String> keyHashes, List<String> fingerprints, int i, Uni<Claim> claim) {
        if (i == keyHashes.size()) {
            return claim;
        }
        return idempotency.peek(keyHashes.get(i), fingerprints.get(i)).chain(held -> held.isPresent()
                ? Uni.createFrom().item(held.get()) : earlier(keyHashes, fingerprints, i + 1, claim));
    }
}
