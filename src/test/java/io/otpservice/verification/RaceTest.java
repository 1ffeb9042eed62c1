package io.otpservice.verification;

import io.otpservice.support.ApiTest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Limits are exact under concurrency: every request below races the others into Redis. */
@QuarkusTest
class RaceTest extends ApiTest {

    private static final int N = 50;


    @Test
    void fiftyConcurrentRightChecksApproveExactlyOnce() throws Exception {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();

        Map<Integer, Long> statuses = race(N, i -> () -> check(id, code).statusCode());

        assertThat(statuses).containsEntry(200, 1L).containsEntry(404, (long) N - 1).hasSize(2);
    }

    @Test
    void fiftyConcurrentWrongChecksCountExactlyMaxAttempts() throws Exception {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String wrong = VerificationApiTest.wrong(codesSentTo(to, 1).getFirst());

        Map<Integer, Long> statuses = race(N, i -> () -> check(id, wrong).statusCode());

        assertThat(statuses).containsEntry(422, 5L).containsEntry(429, (long) N - 5).hasSize(2);
        String attempts = redis.hash(String.class).hget("otp:{" + id.substring(2, 6) + "}:v:" + id, "at");
        assertThat(attempts).isEqualTo("5");
        api().get("/v1/verifications/" + id).then().statusCode(200);
    }

    @Test
    void thirtyConcurrentCreatesNeverSendMoreThanTheWindowAllows() throws Exception {
        String to = newEmail();
        // each create names its own session, so each would cancel the last and send a fresh code
        Map<Integer, Long> statuses = race(30, i -> () -> create(Map.of("to", to, "session", "s" + i)).statusCode());

        assertThat(statuses).containsEntry(201, 5L).containsEntry(429, 25L).hasSize(2);
        assertThat(codesSentTo(to, 5)).hasSize(5);
    }

    @Test
    void thirtyConcurrentCreatesOfOneSessionMakeOneVerification() throws Exception {
        String to = newEmail();
        Map<Integer, Long> statuses = race(30, i -> () -> create(Map.of("to", to, "session", "same")).statusCode());

        assertThat(statuses).containsEntry(201, 1L).containsEntry(200, 29L);
        assertThat(codesSentTo(to, 1)).hasSize(1);
    }
}
