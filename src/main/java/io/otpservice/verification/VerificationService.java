package io.otpservice.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.code.RecipientCipher;
import io.otpservice.config.OtpConfig;
import io.otpservice.config.Settings;
import io.otpservice.delivery.Delivery;
import io.otpservice.delivery.DeliveryFailedException;
import io.otpservice.delivery.Message;
import io.otpservice.observability.Metrics;
import io.otpservice.store.IdempotencyStore;
import io.otpservice.store.Ids;
import io.otpservice.store.Keys;
import io.otpservice.store.Outcome;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationStore;
import io.otpservice.token.TokenIssuer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The lifecycle of a verification: create, resend, check, cancel, read. */
@Singleton
public class VerificationService {

    private static final Logger LOG = Logger.getLogger("otp.verification");
    private static final int RANDOM_ID_BYTES = 14;
    private static final int MAX_CODE_DRAWS = 5;

    private final Settings settings;
    private final OtpConfig config;
    private final VerificationStore store;
    private final IdempotencyStore idempotency;
    private final Delivery delivery;
    private final TestRecipients testRecipients;
    private final CodeGenerator random;
    private final Hasher hasher;
    private final RecipientCipher cipher;
    private final ObjectMapper json;
    private final TokenIssuer tokens;
    private final Metrics metrics;
    /** Redis Cluster: a script may only touch keys of one slot. */
    private final boolean clusterMode;

    public VerificationService(Settings settings, VerificationStore store, IdempotencyStore idempotency,
                               Delivery delivery, TestRecipients testRecipients, ObjectMapper json,
                               TokenIssuer tokens, Metrics metrics,
                               @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone")
                               String redisClientType) {
        this.clusterMode = "cluster".equalsIgnoreCase(redisClientType);
        this.tokens = tokens;
        this.metrics = metrics;
        this.settings = settings;
        this.config = settings.config();
        this.store = store;
        this.idempotency = idempotency;
        this.delivery = delivery;
        this.testRecipients = testRecipients;
        this.json = json;
        this.random = new CodeGenerator();
        this.hasher = new Hasher(settings.hmacSecrets());
        this.cipher = new RecipientCipher(hasher, random);
    }

    /** The result of a create: {@code created} is false when the live verification was returned. */
    public record Created(boolean created, VerificationView verification) {
    }

    public Uni<Created> create(CreateCommand command, Caller caller, String idempotencyKey) {
        if (idempotencyKey == null) {
            return limitedCreate(command);
        }
        String keyHash = hasher.opaque("idempotency", caller.name() + "\n" + idempotencyKey);
        String fingerprint = hasher.opaque("fingerprint", String.join("\n", command.recipient().normalised(),
                command.recipient().channel(), command.policy().name(), command.locale(),
                command.session() == null ? "" : command.session()));
        return idempotency.claim(keyHash, fingerprint, config.idempotency().ttl()).chain(claim -> switch (claim) {
            case IdempotencyStore.Claimed c -> limitedCreate(command)
                    .call(created -> idempotency.complete(keyHash, fingerprint, created.created() ? 201 : 200,
                            write(created.verification()), config.idempotency().ttl()))
                    .onFailure().call(() -> idempotency.release(keyHash));
            case IdempotencyStore.Replay r -> Uni.createFrom().item(new Created(r.status() == 201, read(r.body())));
            case IdempotencyStore.InProgress p -> Uni.createFrom().failure(new DomainException.IdempotencyConflict(
                    "A request with this Idempotency-Key is still in progress."));
            case IdempotencyStore.Mismatch m -> Uni.createFrom().failure(new DomainException.IdempotencyConflict(
                    "This Idempotency-Key was used for a different request."));
        });
    }

    private Uni<Created> limitedCreate(CreateCommand command) {
        return limitedCreate(command, !clusterMode);
    }

    /**
     * Counts the create against the client's windows, then creates. On a single Redis both happen
     * in one script call; on Redis Cluster the client's log is in another slot, so it is counted
     * first with a call of its own. The answers are the same either way.
     */
    Uni<Created> limitedCreate(CreateCommand command, boolean oneCall) {
        VerificationStore.ClientCount client = new VerificationStore.ClientCount(
                Keys.clientCreates(hasher.opaque("client", command.clientAddress())), settings.clientCreates(),
                random.hex(8));
        if (oneCall) {
            return attemptCreate(command, Optional.of(client));
        }
        return store.countEvent(client.key(), client.windows(), client.member())
                .chain(wait -> wait.isZero() ? attemptCreate(command, Optional.empty())
                        : Uni.createFrom().failure(rateLimited("client-creates", wait)));
    }

    private Uni<Created> attemptCreate(CreateCommand command, Optional<VerificationStore.ClientCount> client) {
        Recipient recipient = command.recipient();
        String recipientHash = hasher.recipientHash(recipient.normalised());
        String id = Ids.of(Keys.tag(recipientHash), random.hex(RANDOM_ID_BYTES));
        Optional<String> fixedCode = testRecipients.fixedCode(recipient);
        String code = fixedCode.orElseGet(() -> random.code(command.policy().codeLength()));
        VerificationStore.NewVerification fresh = new VerificationStore.NewVerification(id, recipientHash,
                cipher.encrypt(recipient.normalised()), recipient.masked(), recipient.channel(),
                command.policy().name(), command.locale(),
                command.session() == null ? null : hasher.sessionHash(command.session()), recipient.region(),
                fixedCode.isPresent(),
                command.policy().ttl(), command.policy().codeLength(), command.policy().maxAttempts(),
                command.policy().maxSends(), config.resend().cooldown(), hasher.codeHash(id, code));
        return store.create(fresh, settings.recipientSends(), settings.recipientFailures(), client).chain(outcome ->
                switch (outcome.kind()) {
                    case CREATED -> deliver(outcome.verification(), recipient.normalised(), code)
                            .invoke(v -> metrics.created(v.channel(), v.purpose(), v.country()))
                            .map(v -> new Created(true, VerificationView.of(v)));
                    case EXISTING -> Uni.createFrom().item(new Created(false, VerificationView.of(outcome.verification())));
                    case RESEND_EXISTING -> resend(outcome.otherId()).map(v -> new Created(false, v));
                    case RATE_LIMITED -> Uni.createFrom().failure(rateLimited(outcome.limit(), outcome.retryIn()));
                    default -> Uni.createFrom().failure(new IllegalStateException("create: " + outcome.kind()));
                });
    }

    public Uni<VerificationView> resend(String id) {
        if (!Ids.valid(id)) {
            return Uni.createFrom().failure(new DomainException.NotFound());
        }
        return store.find(id).chain(found -> {
            StoredVerification current = found.orElseThrow(DomainException.NotFound::new);
            return resend(current, 1);
        });
    }

    private Uni<VerificationView> resend(StoredVerification current, int draw) {
        String code = random.code(current.codeLength());
        return store.resend(current.id(), hasher.codeHash(current.id(), code), settings.recipientSends(),
                settings.recipientFailures()).chain(outcome -> switch (outcome.kind()) {
            case RESENT -> deliver(outcome.verification(), cipher.decrypt(current.sealedRecipient()), code)
                    .map(VerificationView::of);
            case SAME_CODE -> draw < MAX_CODE_DRAWS ? resend(current, draw + 1)
                    : Uni.createFrom().failure(new IllegalStateException("no fresh code after " + draw + " draws"));
            case NOT_FOUND -> Uni.createFrom().failure(new DomainException.NotFound());
            case RESEND_TOO_SOON -> Uni.createFrom().failure(new DomainException.ResendTooSoon(outcome.retryIn()));
            case MAX_SENDS, RATE_LIMITED -> Uni.createFrom().failure(rateLimited(outcome.limit(), outcome.retryIn()));
            default -> Uni.createFrom().failure(new IllegalStateException("resend: " + outcome.kind()));
        });
    }

    public Uni<VerificationView> check(String id, CheckRequest check) {
        if (!Ids.valid(id)) {
            return Uni.createFrom().failure(new DomainException.NotFound());
        }
        List<String> sessions = check.session() == null ? List.of() : hasher.sessionHashCandidates(check.session());
        return store.check(id, sessions, hasher.codeHashCandidates(id, check.code()), settings.recipientFailures())
                .map(outcome -> switch (outcome.kind()) {
                    case APPROVED -> approved(outcome.verification());
                    case INCORRECT -> throw checked(outcome, "incorrect",
                            new DomainException.IncorrectCode(outcome.attemptsRemaining()));
                    case TOO_MANY_ATTEMPTS -> throw checked(outcome, "too_many_attempts",
                            new DomainException.TooManyAttempts(outcome.retryIn()));
                    case RATE_LIMITED -> throw checked(outcome, "rate_limited",
                            rateLimited(outcome.limit(), outcome.retryIn()));
                    case NOT_FOUND -> throw checked(outcome, "not_found", new DomainException.NotFound());
                    default -> throw new IllegalStateException("check: " + outcome.kind());
                });
    }

    /** Counts a check that did not approve; answers the failure to throw. */
    private DomainException checked(Outcome outcome, String result, DomainException failure) {
        metrics.checked(outcome.channel(), outcome.purpose(), result);
        return failure;
    }

    private DomainException.RateLimited rateLimited(String limit, Duration wait) {
        metrics.rateLimited(limit);
        return new DomainException.RateLimited(limit, wait);
    }

    private VerificationView approved(StoredVerification v) {
        metrics.checked(v.channel(), v.purpose(), "approved");
        metrics.approved(v.channel(), v.purpose(), v.country());
        TokenIssuer.Token token = tokens.issue(new TokenIssuer.Subject(v.id(), cipher.decrypt(v.sealedRecipient()),
                v.channel(), v.purpose(), v.sessionHash()));
        return VerificationView.of(v).withToken(token.jwt(), token.expiresAt());
    }

    public Uni<VerificationView> checkByRecipient(RequestValidator.ByRecipient request) {
        String recipientHash = hasher.recipientHash(request.recipient().normalised());
        return store.liveId(recipientHash, request.policy().name())
                .chain(id -> check(id.orElseThrow(DomainException.NotFound::new), request.check()));
    }

    public Uni<Void> cancel(String id) {
        if (!Ids.valid(id)) {
            return Uni.createFrom().failure(new DomainException.NotFound());
        }
        return store.cancel(id).map(outcome -> {
            if (outcome.kind() != Outcome.Kind.CANCELED) {
                throw new DomainException.NotFound();
            }
            return null;
        });
    }

    public Uni<VerificationView> get(String id) {
        if (!Ids.valid(id)) {
            return Uni.createFrom().failure(new DomainException.NotFound());
        }
        return store.find(id).map(found -> VerificationView.of(found.orElseThrow(DomainException.NotFound::new)));
    }

    /**
     * Delivers the code of a fresh send and records how it went; test recipients get nothing. When
     * every provider fails, the send is taken back (not counted; a first send cancels the
     * verification, a resend keeps the previous code) and the caller gets delivery-failed, or
     * unavailable when every provider's circuit was open.
     */
    private Uni<StoredVerification> deliver(StoredVerification v, String recipient, String code) {
        if (v.testRecipient()) {
            return Uni.createFrom().item(v);
        }
        Message message = new Message(v.id(), v.id() + "." + v.sends(), v.channel(), recipient, v.maskedRecipient(),
                code, v.locale(), v.purpose(), Duration.between(Instant.now(), v.expiresAt()));
        return delivery.deliver(message)
                .onFailure(DeliveryFailedException.class).recoverWithUni(failure -> {
                    DeliveryFailedException failed = (DeliveryFailedException) failure;
                    LOG.warnf("delivery %s to=%s failed on every provider; the send is taken back", message.reference(),
                            v.maskedRecipient());
                    DomainException answer = failed.allCircuitsOpen()
                            ? new DomainException.Unavailable(failed.breakerDelay())
                            : new DomainException.DeliveryFailed();
                    return store.unsend(v.id(), v.sends(), new StoredVerification.Delivery("failed", failed.provider(),
                                    failed.attempts(), failed.lastError()))
                            .onItemOrFailure().transformToUni((x, f) -> Uni.createFrom().failure(answer));
                })
                .chain(report -> {
                    StoredVerification.Delivery recorded = new StoredVerification.Delivery("sent", report.provider(),
                            report.attempts(), report.lastError());
                    return store.recordDelivery(v.id(), v.sends(), recorded).replaceWith(v.withDelivery(recorded));
                });
    }

    private String write(VerificationView view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a verification", e);
        }
    }

    private VerificationView read(String body) {
        try {
            return json.readValue(body, VerificationView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a stored response", e);
        }
    }
}
