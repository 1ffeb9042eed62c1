package io.otpservice.verification;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.code.RecipientCipher;
import io.otpservice.config.OtpConfig;
import io.otpservice.fraud.FraudGuard;
import io.otpservice.fraud.FraudRules;
import io.otpservice.observability.Metrics;
import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limit;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import io.otpservice.store.Keys;
import io.otpservice.store.ScriptResults;
import io.otpservice.store.ScriptResults.Approved;
import io.otpservice.store.ScriptResults.ApprovedByKey;
import io.otpservice.store.ScriptResults.Canceled;
import io.otpservice.store.ScriptResults.CheckResult;
import io.otpservice.store.ScriptResults.Existing;
import io.otpservice.store.ScriptResults.Incorrect;
import io.otpservice.store.ScriptResults.Limited;
import io.otpservice.store.ScriptResults.NotFound;
import io.otpservice.store.ScriptResults.PrefixBlocked;
import io.otpservice.store.ScriptResults.ResendExisting;
import io.otpservice.store.ScriptResults.ResendTooSoon;
import io.otpservice.store.ScriptResults.Resent;
import io.otpservice.store.ScriptResults.SameCode;
import io.otpservice.store.ScriptResults.TooManyAttempts;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationId;
import io.otpservice.store.VerificationStore;
import io.otpservice.token.TokenIssuer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The lifecycle of a verification: create, resend, check, cancel, read. Each step is one store
 * script; this class turns its answer into the next step (delivery, a token) or a named failure.
 */
@Singleton
public class VerificationService {

    private static final Logger LOG = Logger.getLogger("otp.verification");
    private static final int RANDOM_ID_BYTES = 14;
    private static final int MAX_CODE_DRAWS = 5;

    private final OtpConfig config;
    private final VerificationStore store;
    private final Admission admission;
    private final CodeDelivery delivery;
    private final TestRecipients testRecipients;
    private final CodeGenerator random;
    private final Hasher hasher;
    private final RecipientCipher cipher;
    private final TokenIssuer tokens;
    private final Metrics metrics;
    private final FraudRules fraudRules;
    private final FraudGuard fraud;

    public VerificationService(OtpConfig config, VerificationStore store, Admission admission, CodeDelivery delivery,
                               TestRecipients testRecipients, CodeGenerator random, Hasher hasher,
                               RecipientCipher cipher, TokenIssuer tokens, Metrics metrics, FraudRules fraudRules,
                               FraudGuard fraud) {
        this.config = config;
        this.store = store;
        this.admission = admission;
        this.delivery = delivery;
        this.testRecipients = testRecipients;
        this.random = random;
        this.hasher = hasher;
        this.cipher = cipher;
        this.tokens = tokens;
        this.metrics = metrics;
        this.fraudRules = fraudRules;
        this.fraud = fraud;
    }

    /**
     * The result of a create: {@code created} is false when the live verification was returned;
     * {@code sent} says whether this create sent a code (a new one, or the live one's resend).
     */
    public record Created(boolean created, boolean sent, StoredVerification verification) {
    }

    /** An approved check: the verification and its signed proof. */
    public record Approval(StoredVerification verification, TokenIssuer.Token token) {
    }

    /** Whether this create may go ahead at all (channel on, country allowed, number type); throws when not. */
    public void admit(CreateCommand command) {
        admission.admit(command.recipient());
    }

    public Uni<Created> create(CreateCommand command) {
        return create(command, random.hex(8), false);
    }

    /**
     * {@code member} names this create in the client's windows (the same on a second try, so the windows
     * count the request once); {@code retried}: this is that second try.
     */
    private Uni<Created> create(CreateCommand command, String member, boolean retried) {
        admit(command);
        Recipient recipient = command.recipient();
        String recipientHash = hasher.recipientHash(recipient.normalised());
        VerificationId id = VerificationId.of(Keys.tag(recipientHash), random.hex(RANDOM_ID_BYTES));
        Optional<String> fixedCode = testRecipients.fixedCode(recipient);
        String code = fixedCode.orElseGet(() -> random.code(command.policy().codeLength()));
        VerificationStore.NewVerification fresh = new VerificationStore.NewVerification(id, recipientHash,
                cipher.encrypt(recipient.normalised()), recipient.masked(), recipient.channel(),
                command.policy().name(), command.locale(),
                command.session() == null ? null : hasher.sessionHash(command.session()), recipient.region(),
                fixedCode.isPresent(), command.policy().ttl(), command.policy().codeLength(),
                command.policy().maxAttempts(), command.policy().maxSends(), config.resend().cooldown(),
                hasher.codeHash(id.value(), code));
        String client = hasher.opaque("client", command.clientAddress());
        Guards guards = fraudRules.forCreate(recipient, fixedCode.isPresent(), command.caller());
        Supplier<Uni<Created>> now = () -> create(command, member, retried, fresh, code, client, guards);
        if (hasher.secretCount() == 1) {
            return now.get();
        }
        return store.carryOver(hasher.recipientHashCandidates(recipient.normalised()), command.policy().name(),
                        hasher.opaqueCandidates("client", command.clientAddress()))
                .chain(older -> older.isEmpty() ? now.get() : underOlderName(command, member, retried, older.get(), now));
    }

    /**
     * A create that found the recipient's live verification for the purpose under an older secret's key
     * name (a rotation in progress): it is the live one, as under the current name. With the same session
     * it is answered, or resent once its cooldown is over; with another session it is canceled and the
     * create goes ahead.
     */
    private Uni<Created> underOlderName(CreateCommand command, String member, boolean retried, VerificationId older,
                                        Supplier<Uni<Created>> create) {
        return store.find(older).chain(found -> {
            if (found.isEmpty() || found.get().status() != StoredVerification.Status.PENDING) {
                return create.get();
            }
            StoredVerification v = found.get();
            boolean sameSession = v.sessionHash() == null ? command.session() == null : command.session() != null
                    && hasher.sessionHashCandidates(command.session()).contains(v.sessionHash());
            if (!sameSession) {
                // the create's own rules first (limits, abuse rules): a refused create must not end the older one
                return create.get().call(created -> created.created() ? store.cancel(older).replaceWithVoid()
                        : Uni.createFrom().voidItem());
            }
            if (!Instant.now().isBefore(v.nextResendAt()) && v.sends() < v.maxSends()) {
                return resendLive(command, member, retried, older);
            }
            return Uni.createFrom().item(new Created(false, false, v));
        });
    }

    private Uni<Created> create(CreateCommand command, String member, boolean retried,
                                VerificationStore.NewVerification fresh, String code, String client, Guards guards) {
        Recipient recipient = command.recipient();
        return store.create(fresh, client, member, guards).chain(result -> switch (result) {
            case ScriptResults.Created(StoredVerification v) -> delivery.deliver(v, recipient.normalised(), code)
                    .invoke(sent -> metrics.created(sent.channel().wire(), sent.purpose(), sent.country()))
                    .map(sent -> new Created(true, true, sent));
            case Existing(StoredVerification v) -> Uni.createFrom().item(new Created(false, false, v));
            case ResendExisting(VerificationId existing) -> resendLive(command, member, retried, existing);
            case Limited limited -> Uni.createFrom().failure(rateLimited(limited.limit(), limited.retryIn(),
                    recipient.region()));
            case PrefixBlocked blocked -> prefixBlocked(guards, blocked, recipient.region());
        }).onFailure(VerificationService::sentNothing).call(() -> store.uncountCreate(client, member, guards)
                .onFailure().recoverWithNull());
    }

    /** A create answered 502 or 503 by its delivery that surely sent nothing: the send was taken back uncounted. */
    private static boolean sentNothing(Throwable failure) {
        return failure instanceof VerificationException.DeliveryFailed failed && !failed.mayArrive()
                || failure instanceof VerificationException.Unavailable;
    }

    /**
     * The resend of the live verification that a create found past its cooldown. It is a call of its own,
     * so the verification may have changed meanwhile: if it ended (approved, canceled, failed), the create
     * starts afresh, once; if another create resent it first (its cooldown, or its last send), this one
     * answers it as it is, sending nothing, as a create before the cooldown would.
     */
    private Uni<Created> resendLive(CreateCommand command, String member, boolean retried, VerificationId existing) {
        return resend(existing).map(v -> new Created(false, true, v))
                .onFailure(VerificationService::resentByAnother).recoverWithUni(tooSoon -> store.find(existing)
                        .chain(found -> found.filter(v -> v.status() == StoredVerification.Status.PENDING)
                                .map(v -> Uni.createFrom().item(new Created(false, false, v)))
                                .orElseGet(() -> afresh(command, member, retried, tooSoon))))
                .onFailure(VerificationException.NotFound.class).recoverWithUni(ended ->
                        afresh(command, member, retried, ended));
    }

    /** What a resend answers when another one got there first: its cooldown, or its last send used. */
    private static boolean resentByAnother(Throwable failure) {
        return failure instanceof VerificationException.ResendTooSoon
                || failure instanceof VerificationException.RateLimited limited && limited.limit() == Limit.VERIFICATION_SENDS;
    }

    private Uni<Created> afresh(CreateCommand command, String member, boolean retried, Throwable failure) {
        return retried ? Uni.createFrom().failure(failure) : create(command, member, true);
    }

    public Uni<StoredVerification> resend(VerificationId id) {
        return store.find(id).chain(found -> {
            StoredVerification current = found.orElseThrow(VerificationException.NotFound::new);
            String recipient = cipher.open(current.sealedRecipient()).orElseThrow(() -> new VerificationException.NotFound(
                    "This verification was made under an HMAC secret that is no longer configured: create a new one."));
            return resend(current, recipient, fraudRules.forResend(current, recipient), 1);
        });
    }

    private Uni<StoredVerification> resend(StoredVerification current, String recipient, Guards guards, int draw) {
        String code = random.code(current.codeLength());
        return store.resend(current.id(), hasher.codeHash(current.id().value(), code), guards, current.sends() + 1)
                .chain(result -> switch (result) {
                    case Resent(StoredVerification v) -> delivery.deliver(v, recipient, code);
                    case SameCode same -> draw < MAX_CODE_DRAWS ? resend(current, recipient, guards, draw + 1)
                            : Uni.createFrom().failure(new IllegalStateException("no fresh code after " + draw + " draws"));
                    case NotFound missing -> Uni.createFrom().failure(new VerificationException.NotFound());
                    case ResendTooSoon(Duration retryIn) -> Uni.createFrom().failure(
                            new VerificationException.ResendTooSoon(retryIn));
                    case Limited limited -> Uni.createFrom().failure(rateLimited(limited.limit(), limited.retryIn(),
                            current.country()));
                    case PrefixBlocked blocked -> prefixBlocked(guards, blocked, current.country());
                });
    }

    public Uni<Approval> check(VerificationId id, CheckCommand check) {
        return attempt(id, check).chain(result -> outcome(id, result));
    }

    private Uni<CheckResult> attempt(VerificationId id, CheckCommand check) {
        List<String> sessions = check.session() == null ? List.of() : hasher.sessionHashCandidates(check.session());
        return store.check(id, sessions, hasher.codeHashCandidates(id.value(), check.code()));
    }

    /** {@code id}: the verification checked. */
    private Uni<Approval> outcome(VerificationId id, CheckResult result) {
        return switch (result) {
            // counted for its prefix as it happens, so a prefix recovers as soon as people convert
            case Approved(StoredVerification v) -> fraud.approved(v).map(counted -> approved(v));
            case Incorrect incorrect -> throw checked(incorrect.channel().wire(), incorrect.purpose(),
                    "incorrect", new VerificationException.IncorrectCode(incorrect.attemptsRemaining(), id));
            case TooManyAttempts tooMany -> throw checked(tooMany.channel().wire(), tooMany.purpose(),
                    "too_many_attempts", new VerificationException.TooManyAttempts(tooMany.retryIn()));
            case Limited limited -> throw checked(limited.channel() == null ? null : limited.channel().wire(),
                    limited.purpose(), "rate_limited", rateLimited(limited.limit(), limited.retryIn(), null));
            case NotFound missing -> throw checked(null, null, "not_found", new VerificationException.NotFound());
        };
    }

    /**
     * Checks the live verification of a recipient and purpose. The pointer is read first, so a create with
     * another session may replace the verification before the check runs (a check that finds nothing
     * pending counts no attempt): then the one live now is checked, once.
     */
    public Uni<Approval> checkByRecipient(Recipient recipient, String purpose, CheckCommand check) {
        return liveId(recipient, purpose).chain(id -> attempt(id, check).chain(result -> result instanceof NotFound
                ? liveId(recipient, purpose).chain(now -> now.equals(id) ? outcome(id, result)
                        : attempt(now, check).chain(again -> outcome(now, again)))
                : outcome(id, result)));
    }

    /** The id of the live verification of a recipient and purpose (it may have ended since), or not-found. */
    public Uni<VerificationId> liveId(Recipient recipient, String purpose) {
        return liveId(hasher.recipientHashCandidates(recipient.normalised()), 0, purpose).map(id -> id.orElseThrow(() ->
                new VerificationException.NotFound("No pending verification for this recipient and purpose: none was "
                        + "created, or it expired, was canceled or already approved.")));
    }

    /** The live pointer under {@code names.get(i)}, else under the next older secret's name (a rotation in progress). */
    private Uni<Optional<VerificationId>> liveId(List<String> names, int i, String purpose) {
        return store.liveId(names.get(i), purpose).chain(id -> id.isPresent() || i + 1 == names.size()
                ? Uni.createFrom().item(id) : liveId(names, i + 1, purpose));
    }

    public Uni<Void> cancel(VerificationId id) {
        return store.cancel(id).map(result -> switch (result) {
            case Canceled canceled -> null;
            case NotFound missing -> throw new VerificationException.NotFound();
        });
    }

    /**
     * Approves a pending verification without its code, for an API key allowed to (Twilio's
     * Status=approved). Audited; counted as a check of its own outcome, not as a conversion, so it
     * can never make a number range look real. No token: nobody proved anything.
     */
    public Uni<Void> approve(VerificationId id, String keyName) {
        return store.approve(id).map(result -> switch (result) {
            case ApprovedByKey(Channel channel, String purpose) -> {
                metrics.checked(channel.wire(), purpose, "approved_by_key");
                LOG.warnf("verification %s approved without a code by API key %s", id, keyName);
                yield null;
            }
            case NotFound missing -> throw new VerificationException.NotFound();
        });
    }

    public Uni<StoredVerification> get(VerificationId id) {
        return store.find(id).map(found -> found.orElseThrow(VerificationException.NotFound::new));
    }

    /** Counts a check that did not approve; answers the failure to throw. */
    private VerificationException checked(String channel, String purpose, String outcome, VerificationException failure) {
        metrics.checked(channel, purpose, outcome);
        return failure;
    }

    /** {@code country}: the destination's, counted with refusals by an abuse rule. */
    private VerificationException.RateLimited rateLimited(Limit limit, Duration wait, String country) {
        metrics.rateLimited(limit.wire());
        if (limit.fraudRule()) {
            fraud.refused(country, limit.wire());
        }
        return new VerificationException.RateLimited(limit, wait);
    }

    /** The prefix of this send is blocked: a block that starts now is announced, the caller told when to retry. */
    private <T> Uni<T> prefixBlocked(Guards guards, PrefixBlocked blocked, String country) {
        return fraud.blocked(guards, blocked).chain(() -> Uni.createFrom().failure(
                rateLimited(Limit.PREFIX_GUARD, blocked.retryIn(), country)));
    }

    private Approval approved(StoredVerification v) {
        metrics.checked(v.channel().wire(), v.purpose(), "approved");
        metrics.approved(v.channel().wire(), v.purpose(), v.country());
        // sealed under a secret taken out of the list (the code was resent under a newer one): no token can name it
        String recipient = cipher.open(v.sealedRecipient()).orElseThrow(() -> new VerificationException.NotFound(
                "This verification was made under an HMAC secret that is no longer configured: create a new one."));
        TokenIssuer.Token token = tokens.issue(new TokenIssuer.Subject(v.id().value(), recipient, v.channel().wire(),
                v.purpose(), v.sessionHash()));
        return new Approval(v, token);
    }
}
