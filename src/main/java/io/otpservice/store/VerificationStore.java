package io.otpservice.store;

import io.otpservice.config.Window;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The verification lifecycle in Redis: each state change is one script call. */
@Singleton
public class VerificationStore {

    private final ScriptRunner scripts;

    public VerificationStore(ScriptRunner scripts) {
        this.scripts = scripts;
    }

    /** Everything a create needs; hashes and sealed values only. */
    public record NewVerification(String id, String recipientHash, String sealedRecipient, String maskedRecipient,
                                  String channel, String purpose, String locale, String sessionHash,
                                  String country, boolean testRecipient, Duration ttl, int codeLength,
                                  int maxAttempts,
                                  int maxSends, Duration cooldown, String codeHash) {
    }

    /** A create to count against a client's windows; {@code member} is unique per event. */
    public record ClientCount(String key, List<Window> windows, String member) {
    }

    /**
     * Creates a verification. With {@code client}, the client's create is counted in the same
     * script call (one round trip): only on a single Redis, since that key lives in another slot.
     */
    public Uni<Outcome> create(NewVerification v, List<Window> sendWindows, List<Window> failureWindows,
                               Optional<ClientCount> client) {
        String rh = v.recipientHash();
        List<String> keys = new ArrayList<>(List.of(Keys.livePointer(rh, v.purpose()), Keys.recipientSends(rh),
                Keys.recipientFailures(rh), Keys.verification(v.id())));
        client.ifPresent(c -> keys.add(c.key()));
        List<String> args = new ArrayList<>(List.of(v.id(), v.sessionHash() == null ? "" : v.sessionHash(),
                Window.toScriptArg(sendWindows), Window.toScriptArg(failureWindows), v.testRecipient() ? "1" : "0",
                Long.toString(v.ttl().toMillis()), Integer.toString(v.maxAttempts()), Integer.toString(v.maxSends()),
                Long.toString(v.cooldown().toMillis()), v.codeHash(), v.sealedRecipient(), v.maskedRecipient(),
                v.channel(), v.purpose(), v.locale(), rh, Keys.slotPrefix(Keys.tag(rh)), Integer.toString(v.codeLength()),
                v.country()));
        args.add(client.map(c -> Window.toScriptArg(c.windows())).orElse(""));
        args.add(client.map(ClientCount::member).orElse(""));
        return scripts.run("create", keys, args).map(r -> "created".equals(r.get(0).toString())
                ? created(v, Instant.ofEpochMilli(r.get(1).toLong())) : outcome(r));
    }

    /** The verification the create script wrote, from what was sent to it and the Redis time it was written at. */
    private static Outcome created(NewVerification v, Instant now) {
        StoredVerification stored = new StoredVerification(v.id(), "pending", v.sealedRecipient(), v.maskedRecipient(),
                v.channel(), v.purpose(), v.locale(), v.recipientHash(), v.testRecipient(), v.sessionHash(),
                v.codeLength(), v.country(), now, now.plus(v.ttl()), 0, v.maxAttempts(), 1, v.maxSends(),
                now.plus(v.cooldown()), new StoredVerification.Delivery(v.testRecipient() ? "sent" : "queued",
                v.testRecipient() ? "test-recipient" : null, 0, null));
        return new Outcome(Outcome.Kind.CREATED, stored, now, null, null, 0, null, v.channel(), v.purpose());
    }

    public Uni<Outcome> resend(String id, String codeHash, List<Window> sendWindows, List<Window> failureWindows) {
        List<String> args = List.of(Window.toScriptArg(sendWindows), Window.toScriptArg(failureWindows), codeHash,
                Keys.slotPrefix(Ids.tag(id)));
        return scripts.run("resend", List.of(Keys.verification(id)), args).map(VerificationStore::outcome);
    }

    public Uni<Outcome> check(String id, List<String> sessionCandidates, List<String> codeCandidates,
                              List<Window> failureWindows) {
        List<String> args = new ArrayList<>();
        args.add(Window.toScriptArg(failureWindows));
        args.add(Keys.slotPrefix(Ids.tag(id)));
        args.add(String.join(",", sessionCandidates));
        args.addAll(codeCandidates);
        return scripts.run("check", List.of(Keys.verification(id)), args).map(VerificationStore::outcome);
    }

    public Uni<Outcome> cancel(String id) {
        return scripts.run("cancel", List.of(Keys.verification(id)), List.of()).map(VerificationStore::outcome);
    }

    /**
     * Records how send number {@code send} went (a provider took it, or a receipt came back); a
     * state never moves back and a report about an older send changes nothing. Null fields keep
     * their stored value. True when the state moved.
     */
    public Uni<Boolean> recordDelivery(String id, int send, StoredVerification.Delivery delivery) {
        return scripts.run("delivery", List.of(Keys.verification(id)), List.of(Integer.toString(send),
                        delivery.status(), nullToEmpty(delivery.provider()),
                        delivery.attempts() > 0 ? Integer.toString(delivery.attempts()) : "",
                        nullToEmpty(delivery.lastError())))
                .map(r -> r.toInteger() == 1);
    }

    /**
     * Takes back send number {@code send}, which no provider took: it leaves the recipient's send log,
     * a first send cancels the verification, a resend brings back the previous codes and cooldown.
     */
    public Uni<Void> unsend(String id, int send, StoredVerification.Delivery failed) {
        return scripts.run("unsend", List.of(Keys.verification(id)), List.of(Integer.toString(send),
                        Keys.slotPrefix(Ids.tag(id)), nullToEmpty(failed.provider()),
                        Integer.toString(failed.attempts()), nullToEmpty(failed.lastError())))
                .replaceWithVoid();
    }

    /** The verification, unless unknown or past its expiry. */
    public Uni<Optional<StoredVerification>> find(String id) {
        return scripts.command(Command.HGETALL, Keys.verification(id)).map(r -> {
            if (r == null || r.size() == 0) {
                return Optional.<StoredVerification>empty();
            }
            StoredVerification v = StoredVerification.from(r);
            return v.expiresAt().isAfter(Instant.now()) ? Optional.of(v) : Optional.<StoredVerification>empty();
        });
    }

    /** The id of the live verification of a recipient and purpose, if any. */
    public Uni<Optional<String>> liveId(String recipientHash, String purpose) {
        return scripts.command(Command.GET, Keys.livePointer(recipientHash, purpose))
                .map(r -> Optional.ofNullable(r).map(Response::toString));
    }

    /** Counts one event against the windows; the wait until allowed, zero when counted. */
    public Uni<Duration> countEvent(String key, List<Window> windows, String member) {
        return scripts.run("limit", List.of(key), List.of(Window.toScriptArg(windows), member))
                .map(r -> Duration.ofMillis(r.toLong()));
    }

    private static Outcome outcome(Response r) {
        String kind = r.get(0).toString();
        return switch (kind) {
            case "existing" -> withVerification(Outcome.Kind.EXISTING, r);
            case "resent" -> withVerification(Outcome.Kind.RESENT, r);
            case "approved" -> withVerification(Outcome.Kind.APPROVED, r);
            case "resend" -> new Outcome(Outcome.Kind.RESEND_EXISTING, null, null, null, null, 0, r.get(1).toString(),
                    null, null);
            case "canceled" -> Outcome.of(Outcome.Kind.CANCELED);
            case "not-found" -> Outcome.of(Outcome.Kind.NOT_FOUND);
            case "same-code" -> Outcome.of(Outcome.Kind.SAME_CODE);
            case "incorrect" -> new Outcome(Outcome.Kind.INCORRECT, null, null, null, null, r.get(1).toInteger(), null,
                    text(r, 2), text(r, 3));
            case "too-many-attempts" -> waiting(Outcome.Kind.TOO_MANY_ATTEMPTS, r, null);
            case "resend-too-soon" -> waiting(Outcome.Kind.RESEND_TOO_SOON, r, null);
            case "max-sends" -> waiting(Outcome.Kind.MAX_SENDS, r, "verification-sends");
            case "rate-limited" -> new Outcome(Outcome.Kind.RATE_LIMITED, null, null,
                    Duration.ofMillis(Math.max(0, r.get(1).toLong())), r.get(2).toString(), 0, null, null, null);
            default -> throw new IllegalStateException("unknown script outcome " + kind);
        };
    }

    private static Outcome withVerification(Outcome.Kind kind, Response r) {
        StoredVerification v = StoredVerification.from(r.get(2));
        return new Outcome(kind, v, Instant.ofEpochMilli(r.get(1).toLong()), null, null, 0, null, v.channel(), v.purpose());
    }

    private static Outcome waiting(Outcome.Kind kind, Response r, String limit) {
        return new Outcome(kind, null, null, Duration.ofMillis(Math.max(0, r.get(1).toLong())), limit, 0, null,
                text(r, 2), text(r, 3));
    }

    /** Element i of a script answer as text, or null when absent. */
    private static String text(Response r, int i) {
        return r.size() > i && r.get(i) != null ? r.get(i).toString() : null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
