package io.otpservice.api.twilio;

import io.otpservice.support.ApiTest;
import io.otpservice.support.RedisContents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.otpservice.api.twilio.TwilioSdk.ACCOUNT;
import static io.otpservice.api.twilio.TwilioSdk.READER_ACCOUNT;
import static io.otpservice.api.twilio.TwilioSdk.SERVICE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad /v2 request gets Twilio's error body with a 4xx status and Twilio's code, never a 500
 * nor a problem+json, and Redis holds exactly what it held before: no key, no counter, no attempt.
 * The checks and updates run against a real pending verification.
 */
@QuarkusTest
class TwilioBadInputTest extends ApiTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String BASE = "/v2/Services/" + SERVICE;
    private static final String CREATE = BASE + "/Verifications";
    private static final String CHECK = BASE + "/VerificationCheck";
    private static final String ONE = CREATE + "/{pending}";
    private static final String OK_TO = "To=alice%40example.com";
    private static String pendingId;

    record Case(String name, String method, String path, String contentType, String body, String authorization,
                int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void pendingVerification() {
        if (pendingId == null) {
            pendingId = create(newEmail()).then().statusCode(201).extract().path("id");
            RECIPIENTS.add("alice@example.com");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsATwilioErrorAndChangesNothing(Case c) {
        Map<String, String> before = RedisContents.snapshot(redis);

        // the body exactly as written: no charset added, no re-encoding
        RequestSpecification request = given().config(RestAssuredConfig.config().encoderConfig(
                EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)
                        .encodeContentTypeAs(FORM, io.restassured.http.ContentType.TEXT))).urlEncodingEnabled(false);
        if (c.authorization() != null) {
            request.header("Authorization", c.authorization());
        }
        if (c.contentType() != null) {
            request.contentType(c.contentType());
        }
        if (c.body() != null) {
            request.body(c.body().replace("{pending}", pendingId).getBytes(StandardCharsets.UTF_8));
        }
        Response response = request.request(c.method(), c.path().replace("{pending}", pendingId));

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(c.status());
        assertThat(response.contentType()).startsWith("application/json");
        TwilioSdk.assertTwilioShaped(new TwilioSdk.Exchange(c.method(), c.path(), c.status(), response.asString()));
        assertThat(response.jsonPath().getInt("code")).as(response.asString()).isEqualTo(c.code());
        assertThat(response.header("Retry-After")).isNull();
        if (c.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Basic realm=\"otp-service\"");
        }

        Map<String, String> after = RedisContents.snapshot(redis);
        // keys may expire meanwhile (other tests' short TTLs); none may appear or change
        assertThat(after.keySet()).isSubsetOf(before.keySet());
        after.forEach((key, value) -> assertThat(value).as(key).isEqualTo(before.get(key)));
    }

    /** Of two Authorization headers, two readers could take different ones: refused like /v1's, whichever comes first. */
    @Test
    void aRepeatedAuthorizationIsA401() {
        Map<String, String> before = RedisContents.snapshot(redis);
        for (String[] pair : new String[][]{{auth(), "Basic eA=="}, {"Basic eA==", auth()}, {auth(), auth()}}) {
            Response response = given().header("Authorization", pair[0]).header("Authorization", pair[1])
                    .contentType(FORM).body(OK_TO + "&Channel=email").post(CREATE);
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(401);
            assertThat(response.jsonPath().getInt("code")).isEqualTo(20003);
        }
        Map<String, String> after = RedisContents.snapshot(redis);
        assertThat(after.keySet()).isSubsetOf(before.keySet()); // keys may expire meanwhile; none may appear
    }

    /** Without credentials a /v2 path answers only its 401, whatever else is wrong; with them, the precise answer. */
    @Test
    void withoutCredentialsOnlyThe401() {
        Map<String, String> before = RedisContents.snapshot(redis);
        for (String authorization : new String[]{null, "Basic eA=="}) {
            RequestSpecification accept = given().accept("text/plain");
            RequestSpecification put = given().contentType(FORM).body(OK_TO + "&Channel=email");
            RequestSpecification text = given().contentType("text/plain").body("x");
            if (authorization != null) {
                accept.header("Authorization", authorization);
                put.header("Authorization", authorization);
                text.header("Authorization", authorization);
            }
            for (Response response : List.of(accept.post(CREATE), put.put(CREATE), text.post(CREATE))) {
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(401);
                assertThat(response.jsonPath().getInt("code")).isEqualTo(20003);
            }
        }
        // with them, the resource reads the form itself: a body that is no form is its 400
        assertThat(given().header("Authorization", auth()).contentType("text/plain").body("x").post(CREATE).statusCode())
                .isEqualTo(400);
        assertThat(given().header("Authorization", auth()).contentType(FORM).body(OK_TO + "&Channel=email").put(CREATE)
                .statusCode()).isEqualTo(405);
        Map<String, String> after = RedisContents.snapshot(redis);
        assertThat(after.keySet()).isSubsetOf(before.keySet());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // create: parameters
        bad(cases, "To missing", CREATE, "Channel=email");
        bad(cases, "Channel missing", CREATE, OK_TO);
        bad(cases, "Channel unknown", CREATE, OK_TO + "&Channel=pigeon");
        bad(cases, "Channel in capitals", CREATE, OK_TO + "&Channel=SMS");
        cases.add(new Case("Channel whatsapp", "POST", CREATE, FORM, "To=%2B14155550100&Channel=whatsapp", auth(), 400, 60223));
        cases.add(new Case("Channel call", "POST", CREATE, FORM, "To=%2B14155550100&Channel=call", auth(), 400, 60223));
        bad(cases, "To not a phone number", CREATE, "To=%2B1555&Channel=sms");
        bad(cases, "To without +", CREATE, "To=14155550100&Channel=sms");
        bad(cases, "an e-mail address on sms", CREATE, OK_TO + "&Channel=sms");
        bad(cases, "a phone number on email", CREATE, "To=%2B14155550100&Channel=email");
        bad(cases, "To with CR/LF header injection", CREATE, "To=alice%40example.com%0D%0ABcc%3A+x%40example.com&Channel=email");
        bad(cases, "To with a display name", CREATE, "To=Alice+%3Calice%40example.com%3E&Channel=email");
        bad(cases, "To empty", CREATE, "To=&Channel=email");
        bad(cases, "To huge", CREATE, "To=" + "a".repeat(4000) + "%40example.com&Channel=email");
        bad(cases, "Locale malformed", CREATE, OK_TO + "&Channel=email&Locale=not+a+locale");
        bad(cases, "Locale empty", CREATE, OK_TO + "&Channel=email&Locale=");
        bad(cases, "DeviceIp malformed", CREATE, OK_TO + "&Channel=email&DeviceIp=999.1.1.1");
        bad(cases, "DeviceIp in three parts", CREATE, OK_TO + "&Channel=email&DeviceIp=10.1.2");
        bad(cases, "DeviceIp with a zone", CREATE, OK_TO + "&Channel=email&DeviceIp=fe80%3A%3A1%25eth0");
        bad(cases, "CustomCode refused", CREATE, OK_TO + "&Channel=email&CustomCode=123456");
        bad(cases, "Amount refused", CREATE, OK_TO + "&Channel=email&Amount=10");
        bad(cases, "Payee refused", CREATE, OK_TO + "&Channel=email&Payee=ACME");
        // create: the form itself
        cases.add(new Case("JSON body", "POST", CREATE, "application/json", "{\"To\":\"alice@example.com\",\"Channel\":\"email\"}",
                auth(), 400, 60200));
        cases.add(new Case("text/plain body", "POST", CREATE, "text/plain", OK_TO + "&Channel=email", auth(), 400, 60200));
        cases.add(new Case("form in UTF-16", "POST", CREATE, FORM + "; charset=UTF-16", OK_TO + "&Channel=email",
                auth(), 400, 60200));
        cases.add(new Case("a media range for Content-Type", "POST", CREATE, "*/*", OK_TO + "&Channel=email", auth(), 415,
                60200));
        cases.add(new Case("form without Content-Type", "POST", CREATE, null, OK_TO + "&Channel=email", auth(), 400, 60200));
        bad(cases, "bad percent-escape", CREATE, "To=%zz&Channel=email");
        bad(cases, "truncated percent-escape", CREATE, "To=a%4&Channel=email");
        bad(cases, "percent-escape in another script's digits", CREATE, "To=a%٤0example.com&Channel=email");
        bad(cases, "encoded lone surrogate", CREATE, "To=%ED%A0%80%40example.com&Channel=email");
        bad(cases, "overlong UTF-8", CREATE, "To=%C0%AE%40example.com&Channel=email");
        bad(cases, "raw non-ASCII", CREATE, "To=é%40example.com&Channel=email");
        bad(cases, "raw space", CREATE, "To=alice %40example.com&Channel=email");
        bad(cases, "To twice", CREATE, OK_TO + "&To=bob%40example.com&Channel=email");
        bad(cases, "empty parameter name", CREATE, OK_TO + "&Channel=email&=x");
        cases.add(new Case("oversized body", "POST", CREATE, FORM, OK_TO + "&Channel=email&x=" + "a".repeat(9000), auth(),
                413, 60200));
        // credentials
        cases.add(new Case("no credentials", "POST", CREATE, FORM, OK_TO + "&Channel=email", null, 401, 20003));
        cases.add(new Case("a Bearer key", "POST", CREATE, FORM, OK_TO + "&Channel=email", "Bearer " + KEY, 401, 20003));
        cases.add(new Case("user not an account SID", "POST", CREATE, FORM, OK_TO + "&Channel=email", basic("test", KEY),
                401, 20003));
        cases.add(new Case("another key's account SID", "POST", CREATE, FORM, OK_TO + "&Channel=email",
                basic(READER_ACCOUNT, KEY), 401, 20003));
        cases.add(new Case("unknown key", "POST", CREATE, FORM, OK_TO + "&Channel=email", basic(ACCOUNT, "nope"), 401, 20003));
        cases.add(new Case("empty key", "POST", CREATE, FORM, OK_TO + "&Channel=email", basic(ACCOUNT, ""), 401, 20003));
        cases.add(new Case("key without a twilio-account-sid", "POST", CREATE, FORM, OK_TO + "&Channel=email",
                basic(ACCOUNT, "sender-key"), 401, 20003));
        cases.add(new Case("not base64", "POST", CREATE, FORM, OK_TO + "&Channel=email", "Basic !!!", 401, 20003));
        cases.add(new Case("key without the scope", "POST", CREATE, FORM, OK_TO + "&Channel=email",
                basic(READER_ACCOUNT, "read-only-key"), 403, 20403));
        // services and routes
        cases.add(new Case("unknown service", "POST", "/v2/Services/VA" + "b".repeat(32) + "/Verifications", FORM,
                OK_TO + "&Channel=email", auth(), 404, 20404));
        cases.add(new Case("malformed service SID", "POST", "/v2/Services/VA123/Verifications", FORM,
                OK_TO + "&Channel=email", auth(), 404, 20404));
        cases.add(new Case("service SID with a lower-case prefix", "GET", "/v2/Services/" + SERVICE.replace("VA", "va"),
                null, null, auth(), 404, 20404));
        cases.add(new Case("list of services", "GET", "/v2/Services", null, null, auth(), 404, 20404));
        cases.add(new Case("a resource we do not serve", "GET", BASE + "/RateLimits", null, null, auth(), 404, 20404));
        // without credentials nothing is learnt, not even whether the route exists
        cases.add(new Case("unknown route without credentials", "GET", "/v2/Nothing", null, null, null, 401, 20003));
        cases.add(new Case("delete a verification", "DELETE", ONE, null, null, auth(), 405, 20004));
        cases.add(new Case("list verifications", "GET", CREATE, null, null, auth(), 405, 20004));
        cases.add(new Case("update the service", "POST", BASE, FORM, "FriendlyName=x", auth(), 405, 20004));
        cases.add(new Case("GET a check", "GET", CHECK, null, null, auth(), 405, 20004));
        // checks against the pending verification: nothing may count as an attempt
        bad(cases, "Code missing", CHECK, "VerificationSid={pending}");
        bad(cases, "Code with letters", CHECK, "VerificationSid={pending}&Code=12ab56");
        bad(cases, "Code too short", CHECK, "VerificationSid={pending}&Code=123");
        bad(cases, "Code too long", CHECK, "VerificationSid={pending}&Code=12345678901");
        bad(cases, "Code with a space", CHECK, "VerificationSid={pending}&Code=+123456");
        bad(cases, "Code in Arabic-Indic digits", CHECK, "VerificationSid={pending}&Code=%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6");
        bad(cases, "neither To nor VerificationSid", CHECK, "Code=123456");
        bad(cases, "check with a bad To", CHECK, "To=not-an-email%40&Code=123456");
        bad(cases, "Amount on a check", CHECK, "VerificationSid={pending}&Code=123456&Amount=1");
        cases.add(new Case("malformed VerificationSid", "POST", CHECK, FORM, "VerificationSid=VE*&Code=123456", auth(), 404, 20404));
        // updates of the pending verification
        bad(cases, "Status missing", ONE, "");
        bad(cases, "Status pending", ONE, "Status=pending");
        bad(cases, "Status in capitals", ONE, "Status=CANCELED");
        cases.add(new Case("cancel without the scope", "POST", ONE, FORM, "Status=canceled",
                basic(READER_ACCOUNT, "read-only-key"), 403, 20403));
        cases.add(new Case("approve without verify:approve", "POST", ONE, FORM, "Status=approved", auth(), 403, 20403));
        cases.add(new Case("update of a malformed sid", "POST", CREATE + "/VE%7B%7D", FORM, "Status=canceled", auth(), 404, 20404));
        return cases;
    }

    private static String auth() {
        return basic(ACCOUNT, KEY);
    }

    private static void bad(List<Case> cases, String name, String path, String body) {
        cases.add(new Case(name, "POST", path, FORM, body, auth(), 400, 60200));
    }
}
