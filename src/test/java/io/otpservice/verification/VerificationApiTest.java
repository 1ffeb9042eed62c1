package io.otpservice.verification;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Each endpoint's success path and each problem code of SPEC section 3. */
@QuarkusTest
class VerificationApiTest extends ApiTest {

    @Test
    void theCreateAnswerIsWhatRedisHolds() {
        // the create answer is assembled from what the service wrote, not read back: it must match a read
        for (Map<String, String> body : java.util.List.of(Map.of("to", newEmail(), "session", "web-1"),
                Map.of("to", newEmail(), "purpose", "short", "locale", "fr"))) {
            Response created = create(body);
            created.then().statusCode(201);
            Map<String, Object> written = created.jsonPath().getMap("");
            Map<String, Object> read = api().get("/v1/verifications/" + written.get("id")).then().statusCode(200)
                    .extract().jsonPath().getMap("");
            assertThat(written).isEqualTo(read).containsKeys("createdAt", "expiresAt", "resendAvailableAt", "delivery");
        }
    }

    @Test
    void createSendsACodeAndAnswersTheVerification() {
        String to = newEmail();
        create(to).then()
                .statusCode(201)
                .header("Location", matchesPattern(".*/v1/verifications/VE[0-9a-f]{32}$"))
                .body("id", matchesPattern("VE[0-9a-f]{32}"))
                .body("to", equalTo(to.charAt(0) + "•••" + to.charAt(to.indexOf('@') - 1) + "@example.com"))
                .body("channel", equalTo("email"))
                .body("purpose", equalTo("default"))
                .body("status", equalTo("pending"))
                .body("attemptsRemaining", equalTo(5))
                .body("sendsRemaining", equalTo(4))
                .body("resendAvailableAt", notNullValue())
                .body("expiresAt", notNullValue())
                .body("delivery.status", equalTo("sent"))
                .body("delivery.provider", equalTo("smtp"))
                .body("code", nullValue());
        assertThat(codesSentTo(to, 1).getFirst()).matches("[0-9]{6}");
    }

    @Test
    void getShowsStatusButNeverTheCode() {
        String id = create(newEmail()).then().statusCode(201).extract().path("id");
        String body = api().get("/v1/verifications/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("pending")).extract().asString();
        assertThat(body).doesNotContainPattern("\"(code|h1|h0|session)\"");
    }

    @Test
    void rightCodeApprovesOnceAndIsConsumed() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        check(id, wrong(code)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("incorrect-code"))
                .body("status", equalTo(422))
                .body("attemptsRemaining", equalTo(4));
        check(id, code).then().statusCode(200).body("status", equalTo("approved")).body("id", equalTo(id));
        check(id, code).then().statusCode(404).body("code", equalTo("not-found"));
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void checkByRecipientFindsTheLiveVerification() {
        String to = newEmail();
        String id = create(Map.of("to", to, "purpose", "short")).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        assertThat(code).hasSize(8);
        api().body(Map.of("to", to.toUpperCase(), "purpose", "short", "code", code)).post("/v1/verification-checks")
                .then().statusCode(200).body("id", equalTo(id)).body("status", equalTo("approved"));
        api().body(Map.of("to", to, "purpose", "short", "code", code)).post("/v1/verification-checks")
                .then().statusCode(404).body("code", equalTo("not-found"));
        api().body(Map.of("to", newEmail(), "code", "123456")).post("/v1/verification-checks")
                .then().statusCode(404).body("code", equalTo("not-found"));
    }

    @Test
    void cancelEndsTheVerification() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        api().delete("/v1/verifications/" + id).then().statusCode(204);
        check(id, code).then().statusCode(404).body("code", equalTo("not-found"));
        api().delete("/v1/verifications/" + id).then().statusCode(404).body("code", equalTo("not-found"));
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("canceled"));
        resend(id).then().statusCode(404);
    }

    @Test
    void resendAfterTheCooldownSendsANewCode() {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        resend(id).then().statusCode(429)
                .body("code", equalTo("resend-too-soon"))
                .header("Retry-After", "1");
        cooldownOver(id);
        resend(id).then().statusCode(200)
                .body("id", equalTo(id)).body("sendsRemaining", equalTo(3)).body("status", equalTo("pending"));
        assertThat(codesSentTo(to, 2)).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void missingOrUnknownKeyIsUnauthorized() {
        given().contentType("application/json").body(Map.of("to", newEmail())).post("/v1/verifications")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().header("Authorization", "Bearer not-a-key").contentType("application/json")
                .body(Map.of("to", newEmail())).post("/v1/verifications")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        given().header("Authorization", "Basic dGVzdC1rZXk6").get("/v1/verifications/VE" + "0".repeat(32))
                .then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void keyWithoutTheScopeIsForbidden() {
        given().header("Authorization", "Bearer read-only-key").contentType("application/json")
                .body(Map.of("to", newEmail())).post("/v1/verifications")
                .then().statusCode(403).body("code", equalTo("forbidden")).body("detail", containsString("verify:send"));
        given().header("Authorization", "Bearer read-only-key").get("/v1/verifications/VE" + "0".repeat(32))
                .then().statusCode(404).body("code", equalTo("not-found"));
    }

    @Test
    void unknownIdsAreNotFound() {
        api().get("/v1/verifications/VE" + "0".repeat(32)).then().statusCode(404).body("code", equalTo("not-found"));
        api().get("/v1/verifications/nope").then().statusCode(404).body("code", equalTo("not-found"));
        check("VE" + "1".repeat(32), "123456").then().statusCode(404).body("code", equalTo("not-found"));
    }

    @Test
    void maxAttemptsFailTheVerification() {
        String to = newEmail();
        String id = create(Map.of("to", to, "purpose", "short")).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        check(id, wrong(code)).then().statusCode(422).body("attemptsRemaining", equalTo(2));
        check(id, wrong(code)).then().statusCode(422).body("attemptsRemaining", equalTo(1));
        check(id, wrong(code)).then().statusCode(422).body("attemptsRemaining", equalTo(0));
        check(id, code).then().statusCode(429)
                .body("code", equalTo("too-many-attempts"))
                .header("Retry-After", notNullValue());
        api().get("/v1/verifications/" + id).then().body("status", equalTo("failed"));
    }

    @Test
    void recipientSendWindowLimitsCreates() {
        String to = newEmail();
        // a new session each time: the old verification is canceled and a new code sent (a send each)
        for (int i = 0; i < 5; i++) {
            create(Map.of("to", to, "session", "s" + i)).then().statusCode(201);
        }
        create(Map.of("to", to, "session", "s5")).then().statusCode(429)
                .body("code", equalTo("rate-limited"))
                .body("limit", equalTo("recipient-sends"))
                .header("Retry-After", matchesPattern("[0-9]+"))
                .body("retryAfterSeconds", greaterThanOrEqualTo(890)).body("retryAfterSeconds", lessThanOrEqualTo(900));
        assertThat(mailCount(to)).isEqualTo(5);
    }

    @Test
    void clientCreateLimitCountsPerAddress() {
        String ip = newClientIp();
        for (int i = 0; i < 30; i++) {
            create(Map.of("to", newEmail(), "clientIp", ip)).then().statusCode(201);
        }
        String to = newEmail();
        create(Map.of("to", to, "clientIp", ip)).then().statusCode(429)
                .body("code", equalTo("rate-limited")).body("limit", equalTo("client-creates"))
                .header("Retry-After", notNullValue());
        assertThat(mailCount(to)).isZero();
        create(Map.of("to", to)).then().statusCode(201);
    }

    /** One host usually owns an IPv6 /64; an IPv4-mapped IPv6 address is its IPv4 address. */
    @Test
    void clientCreateLimitCountsAnIpv6SlashSixtyFourAsOneAddressAndAMappedIpv4AsItsIpv4() {
        String site = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":";
        int subnet = ThreadLocalRandom.current().nextInt(1, 0xfffe);
        String net = site + Integer.toHexString(subnet);
        for (int i = 0; i < 30; i++) {
            create(Map.of("to", newEmail(), "clientIp", net + "::" + Integer.toHexString(i + 1))).then().statusCode(201);
        }
        create(Map.of("to", newEmail(), "clientIp", net.toUpperCase(Locale.ROOT) + ":0:ffff:1:2")).then().statusCode(429)
                .body("limit", equalTo("client-creates"));
        create(Map.of("to", newEmail(), "clientIp", site + Integer.toHexString(subnet + 1) + "::1")).then().statusCode(201); // the next /64

        String ip = newClientIp();
        for (int i = 0; i < 30; i++) {
            create(Map.of("to", newEmail(), "clientIp", i % 2 == 0 ? ip : "::ffff:" + ip)).then().statusCode(201);
        }
        create(Map.of("to", newEmail(), "clientIp", ip)).then().statusCode(429).body("limit", equalTo("client-creates"));
    }

    @Test
    void clientIpIsIgnoredForKeysWithoutTheScope() {
        String ip = newClientIp();
        for (int i = 0; i < 30; i++) {
            create(Map.of("to", newEmail(), "clientIp", ip)).then().statusCode(201);
        }
        // the sender key may not assert clientIp: its creates count against its own address instead
        given().header("Authorization", "Bearer sender-key").contentType("application/json")
                .body(Map.of("to", newEmail(), "clientIp", ip)).post("/v1/verifications")
                .then().statusCode(201);
    }

    @Test
    void failureBudgetSurvivesNewVerifications() {
        String to = newEmail();
        for (int v = 0; v < 4; v++) {
            String id = create(to).then().statusCode(201).extract().path("id");
            for (int i = 0; i < 5; i++) {
                check(id, "000000").then().statusCode(422);
            }
        }
        create(to).then().statusCode(429).body("limit", equalTo("recipient-failures")).header("Retry-After", notNullValue());
    }

    @Test
    void smsToADisallowedCountryIsRejected() {
        create("+4915112345678").then().statusCode(422).body("code", equalTo("channel-not-allowed"));
    }

    @Test
    void oversizedBodyIsRejected() {
        api().body("{\"to\":\"" + "a".repeat(9000) + "\"}").post("/v1/verifications").then()
                .statusCode(413).contentType("application/problem+json").body("code", equalTo("payload-too-large"));
    }

    @Test
    void testRecipientsUseTheFixedCodeAndGetNoDelivery() {
        String id = create("+15005550006").then().statusCode(201)
                .body("delivery.provider", equalTo("test-recipient")).extract().path("id");
        check(id, "482913").then().statusCode(200).body("status", equalTo("approved"));
        String mailId = create("review@example.com").then().statusCode(201).extract().path("id");
        check(mailId, "5550199").then().statusCode(200);
        assertThat(mailCount("review@example.com")).isZero();
    }

    @Test
    void idempotencyKeyReplaysTheFirstResponse() {
        String to = newEmail();
        String ip = newClientIp();
        Response first = api().header("Idempotency-Key", "k-" + to).body(Map.of("to", to, "clientIp", ip))
                .post("/v1/verifications");
        first.then().statusCode(201);
        api().header("Idempotency-Key", "k-" + to).body(Map.of("to", to, "clientIp", ip)).post("/v1/verifications")
                .then().statusCode(201).body("id", equalTo(first.path("id")));
        api().header("Idempotency-Key", "k-" + to).body(Map.of("to", newEmail(), "clientIp", ip))
                .post("/v1/verifications").then().statusCode(409).body("code", equalTo("idempotency-conflict"));
        // the end user's address is part of the request too
        api().header("Idempotency-Key", "k-" + to).body(Map.of("to", to, "clientIp", newClientIp()))
                .post("/v1/verifications").then().statusCode(409).body("code", equalTo("idempotency-conflict"));
        assertThat(mailCount(to)).isEqualTo(1);
    }

    @Test
    void sameSessionReturnsTheLiveVerificationAnotherStartsAfresh() {
        String to = newEmail();
        String id = create(Map.of("to", to, "session", "tab-1")).then().statusCode(201).extract().path("id");
        create(Map.of("to", to, "session", "tab-1")).then().statusCode(200)
                .body("id", equalTo(id)).body("resendAvailableAt", notNullValue());
        assertThat(mailCount(to)).isEqualTo(1);
        String other = create(Map.of("to", to, "session", "tab-2")).then().statusCode(201)
                .body("id", not(equalTo(id))).extract().path("id");
        api().get("/v1/verifications/" + id).then().body("status", equalTo("canceled"));
        api().get("/v1/verifications/" + other).then().body("status", equalTo("pending"));
    }

    @Test
    void aSessionIsMeasuredInCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        String to = newEmail();
        create(Map.of("to", to, "session", emoji.repeat(128))).then().statusCode(201);
        create(Map.of("to", to, "session", emoji.repeat(128))).then().statusCode(200);
        create(Map.of("to", newEmail(), "session", emoji.repeat(129))).then().statusCode(400)
                .body("errors[0].field", equalTo("session"));
    }

    @Test
    void problemsCarryTypeTitleAndDetail() {
        api().body("{").post("/v1/verifications").then().statusCode(400)
                .body("type", endsWith("/invalid-request")).body("title", notNullValue())
                .body("detail", notNullValue()).body("code", equalTo("invalid-request"));
    }

    static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }
}
