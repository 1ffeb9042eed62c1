package io.otpservice.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Realistic traffic against a running otp-service (started by bench/gatling.sh):
 * <ul>
 *   <li>sign-in: create, then the right code; some first type a wrong one, some ask for a resend.
 *       Over 1000 test recipients (fixed code 123456), so the flows need no real delivery;</li>
 *   <li>one recipient hammered with creates from many addresses: the send limit answers 429;</li>
 *   <li>brute force: guesses against real verifications, until the attempt limit and the
 *       recipient's failure budget answer 429.</li>
 * </ul>
 * Expected refusals (422, 429) are checked as such, so "KO" in the report means something wrong.
 * System properties: baseUrl, apiKey, users (sign-ins per second), seconds.
 */
public class OtpSimulation extends Simulation {

    static final String BASE = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    static final String KEY = System.getProperty("apiKey", "bench-key");
    static final int USERS = Integer.getInteger("users", 40);
    static final int SECONDS = Integer.getInteger("seconds", 60);
    static final String TEST_CODE = "123456";

    static final HttpProtocolBuilder PROTOCOL = http.baseUrl(BASE)
            .header("Authorization", "Bearer " + KEY)
            .contentTypeHeader("application/json").acceptHeader("application/json");

    /** A test recipient in turn, with a fresh session and client address per user. */
    static Iterator<Map<String, Object>> people(String prefix, int count) {
        AtomicInteger next = new AtomicInteger();
        Supplier<Map<String, Object>> person = () -> Map.of(
                "to", prefix + (next.getAndIncrement() % count) + "@example.com",
                "session", "s" + ThreadLocalRandom.current().nextLong(1L << 40),
                "ip", ip());
        return Stream.generate(person).iterator();
    }

    static String ip() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static final String CREATE_BODY = "{\"to\":\"#{to}\",\"session\":\"#{session}\",\"clientIp\":\"#{ip}\"}";

    static final ChainBuilder CREATE = exec(http("create").post("/v1/verifications").body(StringBody(CREATE_BODY))
            .check(status().in(200, 201), jsonPath("$.id").saveAs("id")));

    static final ChainBuilder WRONG_CODE = exec(http("check, wrong code").post("/v1/verifications/#{id}/check")
            .body(StringBody("{\"code\":\"000000\",\"session\":\"#{session}\"}"))
            .check(status().is(422), jsonPath("$.code").is("incorrect-code")));

    static final ChainBuilder RESEND = pause(Duration.ofMillis(1_100)).exec(http("resend")
            .post("/v1/verifications/#{id}/resend").check(status().is(200)));

    static final ChainBuilder RIGHT_CODE = exec(http("check, right code").post("/v1/verifications/#{id}/check")
            .body(StringBody("{\"code\":\"" + TEST_CODE + "\",\"session\":\"#{session}\"}"))
            .check(status().is(200), jsonPath("$.status").is("approved")));

    static final ScenarioBuilder SIGN_IN = scenario("sign-in").feed(people("load", 1000))
            .exec(CREATE)
            .pause(Duration.ofMillis(200), Duration.ofMillis(800))
            .randomSwitch().on(percent(20).then(WRONG_CODE), percent(10).then(RESEND))
            .exec(RIGHT_CODE);

    static final ScenarioBuilder HAMMER = scenario("one recipient hammered")
            .exec(session -> session.set("session", "h" + ThreadLocalRandom.current().nextLong(1L << 40)).set("ip", ip()))
            .exec(http("create, hammered recipient").post("/v1/verifications")
                    .body(StringBody("{\"to\":\"victim@example.com\",\"session\":\"#{session}\",\"clientIp\":\"#{ip}\"}"))
                    .check(status().in(200, 201, 429)));

    static final ScenarioBuilder BRUTE_FORCE = scenario("brute force").feed(people("target", 20))
            .exec(http("create, brute-force target").post("/v1/verifications").body(StringBody(CREATE_BODY))
                    .check(status().in(200, 201, 429), jsonPath("$.id").optional().saveAs("id")))
            .doIf(session -> session.contains("id")).then(repeat(8).on(
                    exec(session -> session.set("guess", String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000))))
                            .exec(http("check, guess").post("/v1/verifications/#{id}/check")
                                    .body(StringBody("{\"code\":\"#{guess}\",\"session\":\"#{session}\"}"))
                                    .check(status().in(404, 422, 429)))));

    {
        setUp(
                SIGN_IN.injectOpen(constantUsersPerSec(USERS).during(SECONDS)),
                HAMMER.injectOpen(constantUsersPerSec(Math.max(1, USERS / 4)).during(SECONDS)),
                BRUTE_FORCE.injectOpen(constantUsersPerSec(Math.max(1, USERS / 20)).during(SECONDS)))
                .protocols(PROTOCOL)
                .assertions(global().failedRequests().count().is(0L),
                        details("check, right code").successfulRequests().percent().is(100.0));
    }
}
