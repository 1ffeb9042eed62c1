package io.otpservice.verification;

import io.otpservice.store.IdempotencyStore;
import io.otpservice.store.Keys;
import io.otpservice.support.ApiTest;
import io.otpservice.support.RedisServerResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Redis goes away mid-run: quick 503s within otp.redis.timeout (700 ms here), then recovery, no restart. */
@QuarkusTest
class RedisOutageTest extends ApiTest {

    @Test
    void stoppedRedisGives503ThenRecovers() {
        var redis = RedisServerResource.redis();
        create(newEmail()).then().statusCode(201); // warm: the first request of a JVM is slow client-side
        redis.stop();
        try {
            long start = System.nanoTime();
            create(newEmail()).then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("unavailable"))
                    .header("Retry-After", "1");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
            api().get("/v1/verifications/VE" + "0".repeat(32)).then().statusCode(503);
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> create(newEmail()).statusCode() == 201);
    }

    @Test
    void everyEventLoopServesAgainAfterAnOutage() {
        var redis = RedisServerResource.redis();
        create(newEmail()).then().statusCode(201);
        redis.stop();
        try {
            // many requests on fresh connections, so that every event loop meets the outage
            IntStream.range(0, 16).parallel().forEach(i -> create(newEmail()).then().statusCode(503));
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> create(newEmail()).statusCode() == 201);
        // once one request is served, all are: no loop keeps a connection attempt that failed
        List<Integer> statuses = IntStream.range(0, 16).parallel().mapToObj(i -> create(newEmail()).statusCode()).toList();
        assertThat(statuses).containsOnly(201);
    }

    @Test
    void hungRedisTimesOutThenRecovers() throws Exception {
        var redis = RedisServerResource.redis();
        create(newEmail()).then().statusCode(201);
        signal("STOP", redis.pid());
        try {
            long start = System.nanoTime();
            create(newEmail()).then().statusCode(503).body("code", equalTo("unavailable"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_000));
        } finally {
            signal("CONT", redis.pid());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> create(newEmail()).statusCode() == 201);
    }

    @Inject
    IdempotencyStore idempotency;

    /**
     * A claim of an Idempotency-Key that Redis did not release is released once it can: the release is tried
     * again in the background (and once more a little later). Redis refuses it here (an ACL takes scripts from
     * the service's user for a while), then takes it once scripts are allowed again.
     */
    @Test
    void aClaimThatRedisDidNotReleaseIsReleasedOnceItCan() throws Exception {
        String key = "outage-" + newEmail();
        assertThat(idempotency.claim(key, "fp", "t1", Duration.ofMinutes(2)).await().indefinitely())
                .isEqualTo(new IdempotencyStore.Claimed());
        redis.execute("ACL", "SETUSER", "default", "-evalsha", "-eval");
        try {
            idempotency.releaseEventually(key, "fp", "t1", Duration.ofMinutes(2));
            Thread.sleep(1_500); // the first tries are refused
            assertThat(redis.key().exists(Keys.idempotency(key))).as("claimed while Redis refuses writes").isTrue();
        } finally {
            redis.execute("ACL", "SETUSER", "default", "+evalsha", "+eval");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.key().exists(Keys.idempotency(key)));
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }
}
