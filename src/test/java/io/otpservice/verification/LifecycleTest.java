package io.otpservice.verification;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Time: expiry, the doubling cooldown, which codes stay valid across resends. Time is moved in Redis
 * (a TTL ended, a cooldown put in the past) instead of waited out.
 */
@QuarkusTest
class LifecycleTest extends ApiTest {

    /** The first resend cooldown of the profile (1 s in the suite's, longer where creates are slower). */
    @ConfigProperty(name = "otp.resend.cooldown")
    Duration cooldown;

    @Test
    void aVerificationExpiresWithItsTtl() {
        String to = newEmail();
        String id = create(Map.of("to", to, "purpose", "short")).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        long ttl = redis.key().pttl(verificationKey(id));
        assertThat(ttl).isBetween(50_000L, 60_000L);

        expireNow(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> api().get("/v1/verifications/" + id).statusCode() == 404);
        check(id, code).then().statusCode(404).body("code", equalTo("not-found"));
        resend(id).then().statusCode(404);
        assertThat(redis.key().exists(verificationKey(id))).isFalse();
    }

    @Test
    void resendCooldownDoublesAndWrongAttemptsSurviveResends() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        check(id, "000000").then().statusCode(422).body("attemptsRemaining", equalTo(4));
        check(id, "000001").then().statusCode(422).body("attemptsRemaining", equalTo(3));

        cooldownOver(id);
        Instant before = Instant.now();
        String next = resend(id).then().statusCode(200).body("attemptsRemaining", equalTo(3))
                .extract().path("resendAvailableAt");
        // twice the cooldown, then four times, counted from when Redis ran the resend: up to a second after
        // 'before' on a busy machine
        long twice = 2 * cooldown.toMillis();
        assertThat(Duration.between(before, Instant.parse(next)).toMillis()).isBetween(twice - 500, twice + 1_000);
        resend(id).then().statusCode(429).body("code", equalTo("resend-too-soon"))
                .header("Retry-After", Long.toString(twice / 1000));

        cooldownOver(id);
        before = Instant.now();
        next = resend(id).then().statusCode(200).extract().path("resendAvailableAt");
        assertThat(Duration.between(before, Instant.parse(next)).toMillis()).isBetween(2 * twice - 500, 2 * twice + 1_000);
        resend(id).then().statusCode(429).header("Retry-After", Long.toString(2 * twice / 1000));
    }

    @Test
    void afterAResendThePreviousCodeStaysValid() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        cooldownOver(id);
        resend(id).then().statusCode(200);
        List<String> codes = codesSentTo(to, 2);
        assertThat(codes.get(1)).isNotEqualTo(codes.get(0));
        check(id, codes.get(0)).then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void afterTwoResendsTheOldestCodeIsNoLongerValid() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        cooldownOver(id);
        resend(id).then().statusCode(200);
        cooldownOver(id);
        resend(id).then().statusCode(200);
        List<String> codes = codesSentTo(to, 3);
        assertThat(codes).doesNotHaveDuplicates();
        check(id, codes.get(0)).then().statusCode(422).body("code", equalTo("incorrect-code"));
        check(id, codes.get(1)).then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void maxSendsEndsResends() {
        String to = newEmail();
        String id = create(Map.of("to", to, "purpose", "short")).then().statusCode(201)
                .body("sendsRemaining", equalTo(2)).extract().path("id");
        cooldownOver(id);
        resend(id).then().statusCode(200).body("sendsRemaining", equalTo(1));
        cooldownOver(id);
        resend(id).then().statusCode(200).body("sendsRemaining", equalTo(0)).body("resendAvailableAt", nullValue());
        resend(id).then().statusCode(429).body("code", equalTo("rate-limited"))
                .body("limit", equalTo("verification-sends")).header("Retry-After", notNullValue());
        assertThat(codesSentTo(to, 3)).hasSize(3);
    }
}
