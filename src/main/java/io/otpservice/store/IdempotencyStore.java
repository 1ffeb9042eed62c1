package io.otpservice.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/**
 * Idempotency-Key records: claimed while the first request runs, then holding its response.
 * The record is {@code p:<fingerprint>} while running and {@code d:<fingerprint>:<status>:<body>} after.
 */
@Singleton
public class IdempotencyStore {

    public sealed interface Claim permits Claimed, Replay, InProgress, Mismatch {
    }

    public record Claimed() implements Claim {
    }

    public record Replay(int status, String body) implements Claim {
    }

    public record InProgress() implements Claim {
    }

    public record Mismatch() implements Claim {
    }

    private final ScriptRunner scripts;

    public IdempotencyStore(ScriptRunner scripts) {
        this.scripts = scripts;
    }

    public Uni<Claim> claim(String keyHash, String fingerprint, Duration ttl) {
        return scripts.run("idempotency", List.of(Keys.idempotency(keyHash)),
                List.of("p:" + fingerprint, Long.toString(ttl.toMillis()))).map(held -> {
            if (held == null) {
                return new Claimed();
            }
            String value = held.toString();
            String[] parts = value.split(":", 4);
            if (!parts[1].equals(fingerprint)) {
                return new Mismatch();
            }
            if (parts[0].equals("p")) {
                return new InProgress();
            }
            return new Replay(Integer.parseInt(parts[2]), parts[3]);
        });
    }

    public Uni<Void> complete(String keyHash, String fingerprint, int status, String body, Duration ttl) {
        return scripts.command(Command.SET, Keys.idempotency(keyHash), "d:" + fingerprint + ":" + status + ":" + body,
                "PX", Long.toString(ttl.toMillis())).replaceWithVoid();
    }

    /** The first request failed: forget the key so the caller may retry with it. */
    public Uni<Void> release(String keyHash) {
        return scripts.command(Command.DEL, Keys.idempotency(keyHash)).replaceWithVoid();
    }
}
