package io.otpservice.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Singleton;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Idempotency-Key records: claimed while the first request runs, then holding its answer. The record
 * is {@code p:<fingerprint>} while running and {@code d:<fingerprint>:<created 1|0>:<verification>}
 * after, the verification as form-encoded hash fields (hashes and sealed values only, as in its hash).
 */
@Singleton
public class IdempotencyStore {

    public sealed interface Claim permits Claimed, Replay, InProgress, Mismatch {
    }

    /** The key is new: this request runs, and completes or releases the key. */
    public record Claimed() implements Claim {
    }

    /** The first request with this key finished: its answer. */
    public record Replay(boolean created, StoredVerification verification) implements Claim {
    }

    public record InProgress() implements Claim {
    }

    /** The key was used for another request. */
    public record Mismatch() implements Claim {
    }

    private final ScriptRunner scripts;

    public IdempotencyStore(ScriptRunner scripts) {
        this.scripts = scripts;
    }

    /** {@code token}: the claiming request's own, so that only its release frees the key. */
    public Uni<Claim> claim(String keyHash, String fingerprint, String token, Duration ttl) {
        return scripts.run("idempotency", List.of(Keys.idempotency(keyHash)),
                List.of(marker(fingerprint, token), Long.toString(ttl.toMillis())))
                .map(held -> held == null ? new Claimed() : held(held.toString(), fingerprint));
    }

    /**
     * What the key holds, claiming nothing: for the names of a key under older HMAC secrets while a
     * rotation keeps them ({@code fingerprint} under the same secret as {@code keyHash}).
     */
    public Uni<Optional<Claim>> peek(String keyHash, String fingerprint) {
        return scripts.command(Command.GET, Keys.idempotency(keyHash))
                .map(held -> Optional.ofNullable(held).map(h -> held(h.toString(), fingerprint)));
    }

    private static Claim held(String held, String fingerprint) {
        String[] parts = held.split(":", 4);
        if (!parts[1].equals(fingerprint)) {
            return new Mismatch();
        }
        if (parts[0].equals("p")) {
            return new InProgress();
        }
        return new Replay("1".equals(parts[2]), StoredVerification.from(decode(parts[3])));
    }

    public Uni<Void> complete(String keyHash, String fingerprint, boolean created, StoredVerification answer,
                              Duration ttl) {
        return scripts.command(Command.SET, Keys.idempotency(keyHash),
                "d:" + fingerprint + ":" + (created ? "1" : "0") + ":" + encode(answer.toFields()),
                "PX", Long.toString(ttl.toMillis())).replaceWithVoid();
    }

    /** The first request failed: forget its claim of the key so the caller may retry with it. */
    public Uni<Void> release(String keyHash, String fingerprint, String token) {
        return scripts.run("release", List.of(Keys.idempotency(keyHash)), List.of(marker(fingerprint, token)))
                .replaceWithVoid();
    }

    /**
     * Releases a claim that Redis did not confirm or release in time (it was down or hung), in the background:
     * again and again until Redis answers (for at most {@code within}), then once more 2 s later, since a claim
     * held up in a hung Redis runs when it resumes, maybe after the first release. Only this claim is released.
     */
    public void releaseEventually(String keyHash, String fingerprint, String token, Duration within) {
        Uni.createFrom().deferred(() -> release(keyHash, fingerprint, token))
                .onFailure().retry().withBackOff(RELEASE_RETRY, RELEASE_RETRY.multipliedBy(8)).expireIn(within.toMillis())
                .onItem().delayIt().by(RELEASE_AGAIN)
                .chain(() -> release(keyHash, fingerprint, token))
                .subscribe().with(released -> { }, failure -> { });
    }

    private static final Duration RELEASE_RETRY = Duration.ofMillis(500);
    private static final Duration RELEASE_AGAIN = Duration.ofSeconds(2);

    /** An in-progress claim: p:fingerprint:token. */
    private static String marker(String fingerprint, String token) {
        return "p:" + fingerprint + ":" + token;
    }

    private static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }
}
