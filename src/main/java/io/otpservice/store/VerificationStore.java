package io.otpservice.store;

import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limit;
import io.otpservice.ratelimit.Limits;
import io.otpservice.ratelimit.Window;
import io.otpservice.recipient.Channel;
import io.otpservice.store.ScriptResults.*;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The verification lifecycle in Redis: each state change is one script call. */
@Singleton
public class VerificationStore {

    private final ScriptRunner scripts;
    private final Limits limits;
    private final FraudStore fraud;
    /** Redis Cluster: a script may only touch keys of one slot, so the client's create and the fraud rules are counted apart. */
    private final boolean cluster;

    public VerificationStore(ScriptRunner scripts, Limits limits, FraudStore fraud,
                             @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone")
                             String clientType) {
        this.scripts = scripts;
        this.limits = limits;
        this.fraud = fraud;
        this.cluster = "cluster".equalsIgnoreCase(clientType);
    }

    /** Everything a create needs; hashes and sealed values only. */
    public record NewVerification(VerificationId id, String recipientHash, String sealedRecipient,
                                  String maskedRecipient, Channel channel, String purpose, String locale,
                                  String sessionHash, String country, boolean testRecipient, Duration ttl,
                                  int codeLength, int maxAttempts, int maxSends, Duration cooldown, String codeHash) {
    }

    /**
     * Creates a verification, counting the create against the client's windows ({@code clientHash}
     * names the client; {@code member} is unique to this create) and holding it to the abuse-protection
     * rules of {@code guards}. On a single Redis everything happens in one script call; on Redis
     * Cluster each rule's keys live in a slot of their own, so each is a call of its own first, in the
     * same order as the create script, and a send counted ahead is taken back when no verification is
     * written. The answers are the same either way.
     */
    public Uni<CreateResult> create(NewVerification v, String clientHash, String member) {
        return create(v, clientHash, member, Guards.NONE);
    }

    public Uni<CreateResult> create(NewVerification v, String clientHash, String member, Guards guards) {
        return create(v, clientHash, member, guards, !cluster);
    }

    Uni<CreateResult> create(NewVerification v, String clientHash, String member, boolean oneCall) {
        return create(v, clientHash, member, Guards.NONE, oneCall);
    }

    Uni<CreateResult> create(NewVerification v, String clientHash, String member, Guards guards, boolean oneCall) {
        String clientKey = Keys.clientCreates(clientHash);
        if (oneCall) {
            return createScript(v, Optional.of(clientKey), member, guards, true);
        }
        String sent = v.id().value() + ":1";
        List<Window> keyCreates = limits.apiKeyCreates(guards.apiKey());
        return fraud.admitSends(guards, sent).chain(refused -> {
            if (refused.isPresent()) {
                return Uni.createFrom().<CreateResult>item(refused.get());
            }
            Uni<Duration> keyWait = keyCreates.isEmpty() ? Uni.createFrom().item(Duration.ZERO)
                    : countEvent(Keys.apiKeyCreates(guards.apiKey()), keyCreates, member);
            return keyWait.chain(kw -> !kw.isZero()
                            ? Uni.createFrom().<CreateResult>item(new Limited(Limit.API_KEY_CREATES, kw, null, null))
                            : countEvent(clientKey, limits.clientCreates(), member).chain(cw -> cw.isZero()
                                    ? createScript(v, Optional.empty(), member, guards, false)
                                    : Uni.createFrom().item(new Limited(Limit.CLIENT_CREATES, cw, null, null))))
                    .call(result -> result instanceof Created ? Uni.createFrom().voidItem()
                            : fraud.takeBack(guards, sent));
        });
    }

    /**
     * Takes a create that sent nothing (every provider failed, or none could be tried) out of the client's
     * and the API key's create windows, where {@code member} counted it: a caller that retries through a
     * delivery outage must not use up its limits with answers that sent nothing.
     */
    public Uni<Void> uncountCreate(String clientHash, String member, Guards guards) {
        Uni<Void> client = scripts.command(Command.ZREM, Keys.clientCreates(clientHash), member).replaceWithVoid();
        return limits.apiKeyCreates(guards.apiKey()).isEmpty() ? client : client.chain(() ->
                scripts.command(Command.ZREM, Keys.apiKeyCreates(guards.apiKey()), member).replaceWithVoid());
    }

    private Uni<CreateResult> createScript(NewVerification v, Optional<String> clientKey, String member, Guards guards,
                                           boolean withRules) {
        String rh = v.recipientHash();
        List<String> keys = new ArrayList<>(List.of(Keys.livePointer(rh, v.purpose()), Keys.recipientSends(rh),
                Keys.recipientFailures(rh), Keys.verification(v.id())));
        List<String> args = new ArrayList<>(List.of(v.id().value(), nullToEmpty(v.sessionHash()),
                Window.toScriptArg(limits.recipientSends()), Window.toScriptArg(limits.recipientFailures()),
                v.testRecipient() ? "1" : "0", Long.toString(v.ttl().toMillis()), Integer.toString(v.maxAttempts()),
                Integer.toString(v.maxSends()), Long.toString(v.cooldown().toMillis()), v.codeHash(),
                v.sealedRecipient(), v.maskedRecipient(), v.channel().wire(), v.purpose(), v.locale(), rh,
                Integer.toString(v.codeLength()), v.country()));
        clientKey.ifPresent(keys::add);
        args.add(clientKey.isPresent() ? Window.toScriptArg(limits.clientCreates()) : "");
        args.add(member);
        List<Window> keyCreates = withRules ? limits.apiKeyCreates(guards.apiKey()) : List.of();
        if (!keyCreates.isEmpty()) {
            keys.add(Keys.apiKeyCreates(guards.apiKey()));
        }
        args.add(Window.toScriptArg(keyCreates));
        args.add(withRules ? countryRule(guards, keys) : "");
        args.add(withRules ? prefixRule(guards, keys) : "");
        args.add(nullToEmpty(guards.prefix()));
        return scripts.run("create", keys, args).map(r -> switch (r.get(0).toString()) {
            case "created" -> new Created(created(v, guards.prefix(), Instant.ofEpochMilli(r.get(1).toLong())));
            case "existing" -> new Existing(StoredVerification.from(r.get(2)));
            case "resend" -> new ResendExisting(new VerificationId(r.get(1).toString()));
            case "rate-limited" -> limited(r);
            case "prefix-blocked" -> prefixBlocked(r);
            default -> throw unknown("create", r);
        });
    }

    /** The country's send windows as a script argument, its key added to {@code keys}; '' when none. */
    private String countryRule(Guards guards, List<String> keys) {
        List<Window> windows = limits.countrySends(guards.country());
        if (windows.isEmpty()) {
            return "";
        }
        keys.add(Keys.countrySends(guards.country()));
        return Window.toScriptArg(windows);
    }

    /** The prefix guard as a script argument, its three keys added to {@code keys}; '' when none. */
    private String prefixRule(Guards guards, List<String> keys) {
        if (guards.prefix() == null || limits.prefixGuard().isEmpty()) {
            return "";
        }
        keys.addAll(List.of(Keys.prefixSends(guards.prefix()), Keys.prefixApprovals(guards.prefix()),
                Keys.prefixBlock(guards.prefix())));
        return limits.prefixGuard().get().toScriptArg();
    }

    /** The verification the create script wrote, from what was sent to it and the Redis time it was written at. */
    private static StoredVerification created(NewVerification v, String prefix, Instant now) {
        return new StoredVerification(v.id(), StoredVerification.Status.PENDING, v.sealedRecipient(),
                v.maskedRecipient(), v.channel(), v.purpose(), v.locale(), v.recipientHash(), v.testRecipient(),
                v.sessionHash(), v.codeLength(), v.country(), prefix, now, now.plus(v.ttl()), now, 0, v.maxAttempts(), 1,
                v.maxSends(), now.plus(v.cooldown()), List.of(now), new StoredVerification.Delivery(v.testRecipient()
                ? StoredVerification.DeliveryStatus.SENT : StoredVerification.DeliveryStatus.QUEUED,
                v.testRecipient() ? "test-recipient" : null, 0, null));
    }

    public Uni<ResendResult> resend(VerificationId id, String codeHash) {
        return resend(id, codeHash, Guards.NONE);
    }

    /** A resend held to the send rules of {@code guards} (the prefix and country budgets), as a create is. */
    public Uni<ResendResult> resend(VerificationId id, String codeHash, Guards guards, int send) {
        return resend(id, codeHash, guards, send, !cluster);
    }

    Uni<ResendResult> resend(VerificationId id, String codeHash, Guards guards) {
        return resend(id, codeHash, guards, 0, true);
    }

    /** {@code send}: the number the resend will have, for a send counted ahead on Redis Cluster. */
    Uni<ResendResult> resend(VerificationId id, String codeHash, Guards guards, int send, boolean oneCall) {
        if (oneCall) {
            return resendScript(id, codeHash, guards, true);
        }
        String sent = id.value() + ":" + send;
        return fraud.admitSends(guards, sent).chain(refused -> refused.isPresent()
                ? Uni.createFrom().<ResendResult>item(refused.get())
                : resendScript(id, codeHash, guards, false).call(result -> result instanceof Resent
                        ? Uni.createFrom().voidItem() : fraud.takeBack(guards, sent)));
    }

    private Uni<ResendResult> resendScript(VerificationId id, String codeHash, Guards guards, boolean withRules) {
        List<String> keys = new ArrayList<>(List.of(Keys.verification(id)));
        List<String> args = new ArrayList<>(List.of(Window.toScriptArg(limits.recipientSends()),
                Window.toScriptArg(limits.recipientFailures()), codeHash));
        args.add(withRules ? countryRule(guards, keys) : "");
        args.add(withRules ? prefixRule(guards, keys) : "");
        return scripts.run("resend", keys, args).map(r -> switch (r.get(0).toString()) {
            case "resent" -> new Resent(StoredVerification.from(r.get(2)));
            case "same-code" -> new SameCode();
            case "not-found" -> new NotFound();
            case "resend-too-soon" -> new ResendTooSoon(millis(r, 1));
            case "max-sends" -> new Limited(Limit.VERIFICATION_SENDS, millis(r, 1), null, null);
            case "rate-limited" -> limited(r);
            case "prefix-blocked" -> prefixBlocked(r);
            default -> throw unknown("resend", r);
        });
    }

    /** Checks a code: each candidate list holds the value hashed under every configured secret. */
    public Uni<CheckResult> check(VerificationId id, List<String> sessionCandidates, List<String> codeCandidates) {
        List<String> args = new ArrayList<>();
        args.add(Window.toScriptArg(limits.recipientFailures()));
        args.add(String.join(",", sessionCandidates));
        args.addAll(codeCandidates);
        return scripts.run("check", List.of(Keys.verification(id)), args, VerificationStore::checkEnds)
                .map(r -> switch (r.get(0).toString()) {
                    case "approved" -> new Approved(StoredVerification.from(r.get(2)));
                    case "incorrect" -> new Incorrect(r.get(1).toInteger(), channel(r, 2), r.get(3).toString());
                    case "too-many-attempts" -> new TooManyAttempts(millis(r, 1), channel(r, 2), r.get(3).toString());
                    case "not-found" -> new NotFound();
                    case "rate-limited" -> limited(r);
                    default -> throw unknown("check", r);
                });
    }

    public Uni<CancelResult> cancel(VerificationId id) {
        return scripts.run("cancel", List.of(Keys.verification(id)), List.of(), r -> "canceled".equals(r.get(0).toString()))
                .map(r -> switch (r.get(0).toString()) {
                    case "canceled" -> new Canceled();
                    case "not-found" -> new NotFound();
                    default -> throw unknown("cancel", r);
                });
    }

    /** Approves a pending verification without a code (a key with verify:approve asked). */
    public Uni<ApproveResult> approve(VerificationId id) {
        return scripts.run("approve", List.of(Keys.verification(id)), List.of(), r -> "approved".equals(r.get(0).toString()))
                .map(r -> switch (r.get(0).toString()) {
                    case "approved" -> new ApprovedByKey(channel(r, 1), r.get(2).toString());
                    case "not-found" -> new NotFound();
                    default -> throw unknown("approve", r);
                });
    }

    /**
     * Records how send number {@code send} went (a provider took it, or a receipt came back); a
     * state never moves back and a report about an older send changes nothing. Null fields keep
     * their stored value. True when the state moved.
     */
    public Uni<Boolean> recordDelivery(VerificationId id, int send, StoredVerification.Delivery delivery) {
        return delivery(id, send, delivery, "");
    }

    /**
     * A receipt from {@code provider} about send number {@code send}: as {@link #recordDelivery}, and only
     * when that provider took the send (a receipt cannot move a send that went out through another).
     */
    public Uni<Boolean> recordReceipt(VerificationId id, int send, String provider, StoredVerification.Delivery delivery) {
        return delivery(id, send, delivery, provider);
    }

    private Uni<Boolean> delivery(VerificationId id, int send, StoredVerification.Delivery delivery, String from) {
        return scripts.run("delivery", List.of(Keys.verification(id)), List.of(Integer.toString(send),
                        delivery.status().wire(), nullToEmpty(delivery.provider()),
                        delivery.attempts() > 0 ? Integer.toString(delivery.attempts()) : "",
                        nullToEmpty(delivery.lastError()), from))
                .map(r -> r.toInteger() == 1);
    }

    /** How a send that no provider confirmed is taken back (see unsend.lua). */
    public enum Unsend {
        /** No provider took it: it leaves the recipient's send log and the verification's sends. */
        UNCOUNTED,
        /** A provider may have taken it (a call timed out): it stays counted, and a resend's new code valid. */
        COUNTED,
        /** No provider was tried: uncounted, and a first send's verification is deleted, not canceled. */
        FORGET;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Takes back send number {@code send}, which no provider confirmed: a first send cancels the
     * verification (or deletes it, {@link Unsend#FORGET}); a resend brings back the previous codes and
     * cooldown, unless it may have arrived ({@link Unsend#COUNTED}), when it stands as sent.
     */
    public Uni<Void> unsend(VerificationId id, int send, StoredVerification.Delivery failed, Unsend how) {
        return scripts.run("unsend", List.of(Keys.verification(id)), List.of(Integer.toString(send),
                        nullToEmpty(failed.provider()), Integer.toString(failed.attempts()),
                        nullToEmpty(failed.lastError()), how.wire()), r -> send == 1 && r.toInteger() == 1)
                .replaceWithVoid();
    }

    /** Approved, or failed by its last attempt: a failover must not bring it back as pending. */
    private static boolean checkEnds(Response r) {
        String answer = r.get(0).toString();
        return answer.equals("approved") || answer.equals("too-many-attempts");
    }

    /** The verification, unless unknown or past its expiry. */
    public Uni<Optional<StoredVerification>> find(VerificationId id) {
        return scripts.command(Command.HGETALL, Keys.verification(id)).map(r -> {
            if (r == null || r.size() == 0) {
                return Optional.<StoredVerification>empty();
            }
            StoredVerification v = StoredVerification.from(r);
            return v.expiresAt().isAfter(Instant.now()) ? Optional.of(v) : Optional.<StoredVerification>empty();
        });
    }

    /** The id of the live verification of a recipient and purpose, if any. */
    public Uni<Optional<VerificationId>> liveId(String recipientHash, String purpose) {
        return scripts.command(Command.GET, Keys.livePointer(recipientHash, purpose))
                .map(r -> Optional.ofNullable(r).map(Response::toString).flatMap(VerificationId::parse));
    }

    /**
     * While a rotation keeps older HMAC secrets, what a recipient and a client left under the older key
     * names: their send, failure and create logs are merged into the logs under the current names (so the
     * windows count what happened before the rotation), and the first live verification found for the
     * purpose is answered, for the create to treat as the live one. {@code recipientNames} and
     * {@code clientNames} are the names under every secret, the current one first. Per older secret a read
     * of the recipient's state, a write per log that held anything, and for the client a marker (its log
     * is carried at most once a minute); the older logs are left to expire.
     */
    public Uni<Optional<VerificationId>> carryOver(List<String> recipientNames, String purpose, List<String> clientNames) {
        Uni<Optional<VerificationId>> found = Uni.createFrom().item(Optional.empty());
        for (int i = 1; i < recipientNames.size(); i++) {
            String older = recipientNames.get(i);
            String olderClient = clientNames.get(i);
            found = found.chain(live -> scripts.run("rotation", List.of(Keys.livePointer(older, purpose),
                            Keys.recipientSends(older), Keys.recipientFailures(older)), List.of())
                    .call(r -> merge(Keys.recipientSends(recipientNames.getFirst()), limits.recipientSends(), r.get(1)))
                    .call(r -> merge(Keys.recipientFailures(recipientNames.getFirst()), limits.recipientFailures(), r.get(2)))
                    // a client's log may hold thousands of entries (all of a backend's creates without clientIp):
                    // carried at most once a minute per client and older name, not on every create
                    .call(() -> scripts.command(Command.SET, Keys.clientCreates(clientNames.getFirst()) + ":carried:"
                                    + olderClient.substring(0, 8), "1", "PX", "60000", "NX")
                            .chain(first -> first == null ? Uni.createFrom().voidItem()
                                    : scripts.run("log", List.of(Keys.clientCreates(olderClient)), List.of())
                                    .chain(entries -> merge(Keys.clientCreates(clientNames.getFirst()),
                                            limits.clientCreates(), entries))))
                    .map(r -> live.isPresent() ? live : VerificationId.parse(r.get(0).toString())));
        }
        return found;
    }

    /** Adds {@code entries} ({member, score, ...}) to the log {@code key}; nothing when there are none. */
    private Uni<Void> merge(String key, List<Window> windows, Response entries) {
        if (entries == null || entries.size() == 0 || windows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long longest = windows.stream().mapToLong(w -> w.length().toMillis()).max().orElseThrow();
        List<String> args = new ArrayList<>(entries.size() + 1);
        args.add(Long.toString(longest));
        for (Response entry : entries) {
            args.add(entry.toString());
        }
        return scripts.run("merge", List.of(key), args).replaceWithVoid();
    }

    /** Counts one event against the windows; the wait until allowed, zero when counted. */
    public Uni<Duration> countEvent(String key, List<Window> windows, String member) {
        return scripts.run("limit", List.of(key), List.of(Window.toScriptArg(windows), member))
                .map(r -> Duration.ofMillis(r.toLong()));
    }

    /** {'rate-limited', wait ms, limit[, channel, purpose]} */
    private static Limited limited(Response r) {
        return new Limited(Limit.fromWire(r.get(2).toString()), millis(r, 1),
                r.size() > 3 ? channel(r, 3) : null, r.size() > 4 ? r.get(4).toString() : null);
    }

    /** {'prefix-blocked', wait ms, started 1|0, sends, approvals} */
    static PrefixBlocked prefixBlocked(Response r) {
        return new PrefixBlocked(millis(r, 1), r.get(2).toInteger() == 1, r.get(3).toLong(), r.get(4).toLong());
    }

    static Duration millis(Response r, int i) {
        return Duration.ofMillis(Math.max(0, r.get(i).toLong()));
    }

    private static Channel channel(Response r, int i) {
        return Channel.fromWire(r.get(i).toString()).orElseThrow();
    }

    static IllegalStateException unknown(String script, Response r) {
        return new IllegalStateException(script + ".lua answered " + r.get(0));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
