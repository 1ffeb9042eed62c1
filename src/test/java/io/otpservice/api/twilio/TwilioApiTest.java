package io.otpservice.api.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.store.Fields;
import io.otpservice.support.ApiTest;
import io.otpservice.support.RedisServerResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.otpservice.api.twilio.TwilioSdk.ACCOUNT;
import static io.otpservice.api.twilio.TwilioSdk.SERVICE;
import static io.otpservice.api.twilio.TwilioSdk.SHORT_SERVICE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /v2 on the wire: the exact JSON, headers, what /v1 sees of the same verification, the log line, outages. */
@QuarkusTest
class TwilioApiTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    private static RequestSpecification v2() {
        return given().auth().preemptive().basic(ACCOUNT, KEY).contentType("application/x-www-form-urlencoded");
    }

    private static Response create(String service, String to, String channel) {
        RECIPIENTS.add(to);
        return v2().formParams(Map.of("To", to, "Channel", channel, "DeviceIp", newClientIp()))
                .post("/v2/Services/" + service + "/Verifications");
    }

    private static Response check(String service, Map<String, String> form) {
        return v2().formParams(form).post("/v2/Services/" + service + "/VerificationCheck");
    }

    @Test
    void theCreateAnswerIsTwilioJsonFieldByFieldAndAgreesWithV1() throws Exception {
        String to = newEmail();
        Response created = create(SERVICE, to, "email");
        created.then().statusCode(201).contentType("application/json");
        assertThat(created.header("Location")).isNull();
        JsonNode v = JSON.readTree(created.asString());
        String sid = v.get("sid").asText();
        assertThat(v.get("to").asText()).isEqualTo(to);
        assertThat(v.get("status").asText()).isEqualTo("pending");
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.get("lookup").isObject() && v.get("lookup").isEmpty()).isTrue();
        for (String field : new String[]{"amount", "payee", "sna"}) {
            assertThat(v.get(field).isNull()).as(field).isTrue();
        }
        assertThat(v.get("send_code_attempts")).hasSize(1);
        TwilioSdk.assertTwilioShaped(new TwilioSdk.Exchange("POST", "/v2/Services/" + SERVICE + "/Verifications", 201,
                created.asString()));

        // the same verification through /v1: same id, same times (Twilio's to whole seconds), the recipient masked there
        Response v1 = api().get("/v1/verifications/" + sid);
        v1.then().statusCode(200);
        Instant createdAt = Instant.parse(v1.path("createdAt"));
        assertThat(v.get("date_created").asText()).isEqualTo(createdAt.truncatedTo(ChronoUnit.SECONDS).toString());
        assertThat(Instant.parse(v.at("/send_code_attempts/0/time").asText())).isEqualTo(createdAt);
        assertThat((String) v1.path("to")).contains("•••").isNotEqualTo(to);
    }

    @Test
    void aWrongCheckMovesDateUpdatedAndCountsAsV1Would() {
        String to = newEmail();
        String sid = create(SERVICE, to, "email").then().statusCode(201).extract().path("sid");
        String code = codesSentTo(to, 1).getFirst();
        redis.hash(String.class).hset(verificationKey(sid), Fields.UPDATED_AT, "1000");
        Response wrong = check(SERVICE, Map.of("VerificationSid", sid, "Code", TwilioSdkTest.wrong(code)));
        wrong.then().statusCode(200).contentType("application/json");
        assertThat(wrong.jsonPath().getString("status")).isEqualTo("pending");
        assertThat(wrong.jsonPath().getBoolean("valid")).isFalse();
        assertThat(Instant.parse(wrong.jsonPath().getString("date_updated"))).isAfter(Instant.ofEpochSecond(1));
        TwilioSdk.assertTwilioShaped(new TwilioSdk.Exchange("POST", "/VerificationCheck", 200, wrong.asString()));
        api().get("/v1/verifications/" + sid).then().statusCode(200).body("attemptsRemaining",
                org.hamcrest.Matchers.equalTo(4));
        // To is normalised as /v1 does: an address in capitals finds its verification
        check(SERVICE, Map.of("To", to.toUpperCase(), "Code", code)).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("approved"));
    }

    @Test
    void aWrongCodeIsNeverValidThoughARightOneApprovesTheVerificationMeanwhile() throws Exception {
        for (int round = 0; round < 12; round++) {
            String to = newEmail();
            String sid = create(SERVICE, to, "email").then().statusCode(201).extract().path("sid");
            String code = codesSentTo(to, 1).getFirst();
            Map<Integer, Response> answers = new java.util.concurrent.ConcurrentHashMap<>();
            race(4, i -> () -> {
                Response r = check(SERVICE, Map.of("VerificationSid", sid, "Code", i == 0 ? code : TwilioSdkTest.wrong(code)));
                answers.put(i, r);
                return r.statusCode();
            });
            assertThat(answers.get(0).jsonPath().getBoolean("valid")).as("the right code").isTrue();
            for (int i = 1; i < 4; i++) {
                Response wrong = answers.get(i);
                // checked before the approval: a wrong check; after it: nothing left to check
                if (wrong.statusCode() == 200) {
                    assertThat(wrong.jsonPath().getBoolean("valid")).as(wrong.asString()).isFalse();
                    assertThat(wrong.jsonPath().getString("status")).as(wrong.asString()).isEqualTo("pending");
                } else {
                    assertThat(wrong.statusCode()).as(wrong.asString()).isEqualTo(404);
                }
            }
        }
    }

    @Test
    void aCheckByToRacingACreateThatReplacesTheVerificationFindsTheLiveOne() throws Exception {
        for (int round = 0; round < 20; round++) {
            String to = newEmail();
            create(SERVICE, to, "email").then().statusCode(201);
            Map<Integer, Response> answers = new java.util.concurrent.ConcurrentHashMap<>();
            race(2, i -> () -> {
                Response r = i == 0 ? ApiTest.create(Map.of("to", to, "session", "b"))
                        : check(SERVICE, Map.of("To", to, "Code", "000000"));
                answers.put(i, r);
                return r.statusCode();
            });
            assertThat(answers.get(0).statusCode()).isEqualTo(201);
            // a wrong code for whichever verification was live: never "nothing pending"
            Response checked = answers.get(1);
            assertThat(checked.statusCode()).as("round " + round + ": " + checked.asString()).isEqualTo(200);
            assertThat(checked.jsonPath().getBoolean("valid")).isFalse();
        }
    }

    @Test
    void ofWrongChecksRacingOnlyTheOneThatSpendsTheLastAttemptAnswersMaxAttemptsReached() throws Exception {
        String to = newEmail();
        String sid = create(SERVICE, to, "email").then().statusCode(201).extract().path("sid");
        String wrong = TwilioSdkTest.wrong(codesSentTo(to, 1).getFirst());
        java.util.List<String> statuses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Map<Integer, Long> codes = race(5, i -> () -> {
            Response r = check(SERVICE, Map.of("VerificationSid", sid, "Code", wrong));
            statuses.add(r.jsonPath().getString("status") + "/" + r.jsonPath().getBoolean("valid"));
            return r.statusCode();
        });
        assertThat(codes).isEqualTo(Map.of(200, 5L));
        assertThat(statuses).containsExactlyInAnyOrder("pending/false", "pending/false", "pending/false",
                "pending/false", "max_attempts_reached/false");
    }

    /** Twilio answers JSON whatever Accept asks for; a hand-written client asking for XML is not a 406. */
    @Test
    void anyAcceptHeaderGetsTwilioJson() {
        for (String accept : java.util.List.of("application/xml", "text/plain", "text/html", "application/problem+json")) {
            v2().header("Accept", accept).get("/v2/Services/" + SERVICE).then().statusCode(200)
                    .contentType(org.hamcrest.Matchers.startsWith("application/json"))
                    .body("sid", org.hamcrest.Matchers.equalTo(SERVICE));
            v2().header("Accept", accept).get("/v2/Services/" + SERVICE + "/Verifications/VE" + "0".repeat(32))
                    .then().statusCode(404).body("code", org.hamcrest.Matchers.equalTo(20404));
        }
    }

    @Test
    void aLimitIsA429WithItsWaitInTheBodyAndNoRetryAfterHeader() {
        String to = newEmail();
        String sid = create(SHORT_SERVICE, to, "email").then().statusCode(201).extract().path("sid");
        for (int i = 0; i < 3; i++) {
            check(SHORT_SERVICE, Map.of("VerificationSid", sid, "Code", "00000000")).then().statusCode(200);
        }
        Response tooMany = check(SHORT_SERVICE, Map.of("VerificationSid", sid, "Code", "00000000"));
        tooMany.then().statusCode(429).contentType("application/json");
        assertThat(tooMany.header("Retry-After")).isNull();
        long wait = tooMany.jsonPath().getLong("details.retry_after_seconds");
        assertThat(wait).isBetween(1L, 60L);
        assertThat(tooMany.jsonPath().getString("message")).isEqualTo("Max check attempts reached; retry in " + wait + " s");
        assertThat(tooMany.jsonPath().getInt("code")).isEqualTo(60202);
    }

    @Test
    void aV1VerificationBoundToASessionIsNeverApprovedThroughV2() {
        String to = newEmail();
        String id = ApiTest.create(Map.of("to", to, "session", "browser-1")).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        check(SERVICE, Map.of("VerificationSid", id, "Code", code)).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("pending"))
                .body("valid", org.hamcrest.Matchers.equalTo(false));
    }

    @Test
    void eachRequestLogsOneLineWithTheRecipientMasked() throws Exception {
        String to = newEmail();
        String sid = create(SERVICE, to, "email").then().statusCode(201).extract().path("sid");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(Path.of("target/otp-test.log")).contains(sid));
        JsonNode line = null;
        for (String raw : Files.readAllLines(Path.of("target/otp-test.log"))) {
            if (raw.startsWith("{") && raw.contains(sid)) {
                assertThat(raw).doesNotContain(to);
                JsonNode node = JSON.readTree(raw);
                if ("v2".equals(node.at("/mdc/api").asText(null))) {
                    line = node;
                }
            }
        }
        assertThat(line).as("a v2 line for " + sid).isNotNull();
        assertThat(line.at("/mdc/op").asText()).isEqualTo("create");
        assertThat(line.at("/mdc/outcome").asText()).isEqualTo("created");
        assertThat(line.at("/mdc/status").asText()).isEqualTo("201");
        assertThat(line.at("/mdc/to").asText()).contains("•••").endsWith("@example.com");
    }

    @Test
    void theOpenApiDocumentListsTheV2CallsWithTwilioErrors() throws Exception {
        JsonNode doc = JSON.readTree(given().queryParam("format", "json").get(openapi).then().statusCode(200)
                .extract().asString());
        JsonNode create = doc.at("/paths/~1v2~1Services~1{serviceSid}~1Verifications/post");
        assertThat(create.isMissingNode()).isFalse();
        assertThat(create.at("/responses/404/content").has("application/problem+json")).isFalse();
        assertThat(create.at("/responses/404/content/application~1json/schema/$ref").asText()).endsWith("TwilioError");
        assertThat(doc.at("/paths/~1v2~1Services~1{serviceSid}~1VerificationCheck/post").isMissingNode()).isFalse();
    }

    @Test
    void aStoppedRedisIsA503InTwilioTermsThenRecovers() {
        create(SERVICE, newEmail(), "email").then().statusCode(201);
        var redisServer = RedisServerResource.redis();
        redisServer.stop();
        try {
            Response down = create(SERVICE, newEmail(), "email");
            down.then().statusCode(503).contentType("application/json");
            assertThat(down.jsonPath().getInt("code")).isEqualTo(20503);
            assertThat(down.jsonPath().getInt("status")).isEqualTo(503);
            assertThat(down.header("Retry-After")).isNull();
        } finally {
            redisServer.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> create(SERVICE, newEmail(), "email").statusCode() == 201);
    }
}
