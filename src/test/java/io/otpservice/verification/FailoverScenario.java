package io.otpservice.verification;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.recipient.Channel;
import io.otpservice.store.ScriptResults;
import io.otpservice.store.StoreUnavailableException;
import io.otpservice.store.Slots;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationId;
import io.otpservice.store.VerificationStore;
import io.otpservice.support.ApiTest;
import io.otpservice.support.Signals;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the failover tests share: ids made up for a shard, verifications ended (approved or canceled)
 * on the shard that is hit while it is hit, and the service's own log lines about Redis.
 */
abstract class FailoverScenario extends ApiTest {

    private static final Path LOG = Path.of("target/otp-test.log");

    @Inject
    VerificationStore store;
    @Inject
    Hasher hasher;
    @Inject
    CodeGenerator random;

    /** Hash tags whose slot {@code inShard} accepts, {@code count} of them. */
    static List<String> tags(IntPredicate inShard, int count) {
        List<String> tags = new ArrayList<>();
        for (int t = 0; t < 0x10000 && tags.size() < count; t += 97) {
            String tag = String.format("%04x", t);
            if (inShard.test(Slots.of(tag))) {
                tags.add(tag);
            }
        }
        return tags;
    }

    /** Made-up verification ids on those tags: each check of one runs the check script on their master. */
    List<String> ids(List<String> tags) {
        return tags.stream().map(tag -> VerificationId.of(tag, random.hex(14)).value()).toList();
    }

    /**
     * Creates verifications on {@code tag} and ends them, one after the other, until stopped: two in three
     * approved with the right code, one canceled. Keeps the ones whose end was answered; a 503 is "unknown".
     */
    final class Endings implements AutoCloseable {
        private final List<StoredVerification> ended = Collections.synchronizedList(new ArrayList<>());
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile boolean running = true;

        Endings(String tag) {
            thread.submit(() -> {
                for (int i = 0; running; i++) {
                    try {
                        endOne(tag, i % 3 == 2).ifPresent(ended::add);
                    } catch (RuntimeException unavailable) {
                        sleep(20);
                    }
                }
            });
        }

        List<StoredVerification> stop() {
            running = false;
            thread.close();
            return List.copyOf(ended);
        }

        @Override
        public void close() {
            running = false;
            thread.shutdownNow();
        }
    }

    /**
     * Creates a verification on {@code tag} (test-recipient style, code 123456) and approves or cancels it:
     * the verification as ended, if the answer said so. Redis failures throw {@link
     * io.otpservice.store.StoreUnavailableException}.
     */
    Optional<StoredVerification> endOne(String tag, boolean cancel) {
        String rh = tag + random.hex(30);
        VerificationId id = VerificationId.of(tag, random.hex(14));
        String code = "123456";
        var created = store.create(new VerificationStore.NewVerification(id, rh, "sealed", "f•••r@example.com",
                Channel.EMAIL, "default", "en", null, "", true, Duration.ofMinutes(10), 6, 5, 5, Duration.ofSeconds(1),
                hasher.codeHash(id.value(), code)), hasher.opaque("client", rh), random.hex(8)).await().indefinitely();
        if (!(created instanceof ScriptResults.Created)) {
            return Optional.empty();
        }
        if (cancel) {
            return store.cancel(id).await().indefinitely() instanceof ScriptResults.Canceled
                    ? store.find(id).await().indefinitely() : Optional.empty();
        }
        return store.check(id, List.of(), hasher.codeHashCandidates(id.value(), code)).await().indefinitely()
                instanceof ScriptResults.Approved approved ? Optional.of(approved.verification()) : Optional.empty();
    }

    /** Creates and approves one verification on {@code tag}: "approved", or "unavailable: <why>". */
    String approve(String tag) {
        try {
            return endOne(tag, false).map(v -> v.status().name().toLowerCase()).orElse("not approved");
        } catch (StoreUnavailableException e) {
            return "unavailable: " + e.getCause().getMessage();
        }
    }

    /**
     * Approvals on {@code tag}, one after another: while the processes {@code pids} hang (SIGSTOP) for
     * {@code hangMs}, then after they resume until one is approved (at most 15 s).
     *
     * @param approvedAgainAt when one was approved after they resumed, -1 if none was
     */
    record Hang(List<String> outcomes, long hungMs, long resumedAt, long approvedAgainAt) {
        long approvedAgainAfterMs() {
            return approvedAgainAt - resumedAt;
        }
    }

    Hang approveWhileHung(String tag, List<Long> pids, long hangMs) {
        List<String> outcomes = new ArrayList<>();
        long stoppedAt = System.currentTimeMillis();
        pids.forEach(pid -> Signals.send("STOP", pid));
        long resumedAt;
        try {
            while (System.currentTimeMillis() < stoppedAt + hangMs) {
                outcomes.add(approve(tag));
            }
        } finally {
            pids.forEach(pid -> Signals.send("CONT", pid));
            resumedAt = System.currentTimeMillis();
        }
        long approvedAgainAt = -1;
        while (System.currentTimeMillis() < resumedAt + 15_000) {
            if (approve(tag).equals("approved")) {
                approvedAgainAt = System.currentTimeMillis();
                break;
            }
        }
        return new Hang(outcomes, resumedAt - stoppedAt, resumedAt, approvedAgainAt);
    }

    /** Every verification answered approved or canceled before and during the failover is still so after it. */
    void assertStillEnded(List<StoredVerification> ended) {
        assertThat(ended).as("verifications ended while the load ran").isNotEmpty();
        Map<String, Long> byStatus = new HashMap<>();
        for (StoredVerification v : ended) {
            StoredVerification now = store.find(v.id()).await().atMost(Duration.ofSeconds(10)).orElseThrow(
                    () -> new AssertionError(v.id() + " was " + v.status() + " and is gone after the failover"));
            assertThat(now.status()).as(v.id() + " after the failover").isEqualTo(v.status());
            byStatus.merge(now.status().name(), 1L, Long::sum);
        }
        System.out.println("ended before/while the failover and still ended after it: " + byStatus);
    }

    /** The size of the test log now, to read what the service logs from here on. */
    static long logMark() {
        try {
            return Files.exists(LOG) ? Files.size(LOG) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Log lines written since {@code mark} (the test log does not rotate: application.properties). */
    static List<String> logSince(long mark) {
        try {
            return text(Files.readAllBytes(LOG), mark).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(byte[] bytes, long from) {
        int start = (int) Math.min(from, bytes.length);
        return new String(bytes, start, bytes.length - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<String> redisWarnings(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"loggerName\":\"otp.redis\"") && l.contains("\"level\":\"WARN\""))
                .toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
