package io.otpservice.verification;

import io.otpservice.support.ApiTest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** A create past the cooldown resends the live verification in a call of its own; what ends it meanwhile must not make the create a 404. */
    @Test
    void aCreateRacingTheRightCheckNeverAnswersNotFound() throws Exception {
        for (int round = 0; round < 20; round++) {
            String to = newEmail();
            String id = create(to).then().statusCode(201).extract().path("id");
            String code = codesSentTo(to, 1).getFirst();
            cooldownOver(id);
            Map<Integer, Integer> answers = new ConcurrentHashMap<>();
            race(2, i -> () -> {
                int status = i == 0 ? create(to).statusCode() : check(id, code).statusCode();
                answers.put(i, status);
                return status;
            });
            assertThat(answers.get(1)).as("the right check").isEqualTo(200);
            // the live one resent (or answered) before the approval, or a new one after it
            assertThat(answers.get(0)).as("the create, round " + round).isIn(200, 201);
        }
    }

    @Test
    void identicalCreatesPastTheCooldownAllAnswerTheLiveVerificationAndSendOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            String to = newEmail();
            String id = create(to).then().statusCode(201).extract().path("id");
            codesSentTo(to, 1);
            cooldownOver(id);
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Long> statuses = race(4, i -> () -> {
                var answer = create(to);
                ids.add(answer.path("id"));
                return answer.statusCode();
            });
            assertThat(statuses).as("round " + round).isEqualTo(Map.of(200, 4L));
            assertThat(ids).containsOnly(id);
            assertThat(codesSentTo(to, 2)).hasSize(2); // the first send and one resend
            assertThat(mailCount(to)).isEqualTo(2);
        }
    }

    @Test
    void identicalCreatesRacingForTheLastSendAllAnswerTheLiveVerification() throws Exception {
        for (int round = 0; round < 6; round++) {
            String to = newEmail();
            Map<String, String> body = Map.of("to", to, "purpose", "short"); // 3 sends at most
            String id = create(body).then().statusCode(201).extract().path("id");
            cooldownOver(id);
            create(body).then().statusCode(200).body("sendsRemaining", org.hamcrest.Matchers.equalTo(1));
            cooldownOver(id);
            Map<Integer, Long> statuses = race(4, i -> () -> create(body).statusCode());
            // one takes the last send; the others find it used and answer the live one, as before the cooldown
            assertThat(statuses).as("round " + round).isEqualTo(Map.of(200, 4L));
            assertThat(codesSentTo(to, 3)).hasSize(3);
        }
    }

    /** A check by recipient reads the live pointer first; a create with another session may replace it in between. */
    @Test
    void aCheckByRecipientRacingACreateWithAnotherSessionAlwaysFindsTheLiveOne() throws Exception {
        for (int round = 0; round < 20; round++) {
            String to = newEmail();
            create(Map.of("to", to, "session", "a")).then().statusCode(201);
            Map<Integer, Integer> answers = new ConcurrentHashMap<>();
            race(2, i -> () -> {
                int status = i == 0 ? create(Map.of("to", to, "session", "b")).statusCode()
                        : api().body(Map.of("to", to, "purpose", "default", "code", "000000", "session", "b"))
                        .post("/v1/verification-checks").statusCode();
                answers.put(i, status);
                return status;
            });
            assertThat(answers.get(0)).isEqualTo(201);
            // a wrong code for whichever verification was live: never "nothing pending"
            assertThat(answers.get(1)).as("the check, round " + round).isEqualTo(422);
        }
    }
}
