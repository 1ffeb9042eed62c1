package io.otpservice.verification;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input of every kind gets a 4xx problem, never a 500, and Redis holds exactly what it held
 * before: no key, no counter, no attempt. The checks run against a real pending verification.
 */
@QuarkusTest
class BadInputTest extends ApiTest {

    private static final String OK_TO = "alice@example.com";
    private static String pendingId;


    record Case(String name, String method, String path, String contentType, String body, Map<String, String> headers,
                int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void pendingVerification() {
        if (pendingId == null) {
            String to = newEmail();
            pendingId = create(to).then().statusCode(201).extract().path("id");
            RECIPIENTS.add(OK_TO);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsA4xxProblemAndChangesNothing(Case c) {
        Map<String, String> before = snapshot();

        RequestSpecification request = given().header("Authorization", "Bearer " + KEY).headers(c.headers());
        if (c.contentType() != null) {
            // REST Assured encodes a body only for types it knows; send a media range's as it is, as text
            if (c.contentType().contains("*")) {
                request.config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                        .encodeContentTypeAs(c.contentType(), ContentType.TEXT)));
            }
            request.contentType(c.contentType());
        }
        if (c.body() != null) {
            request.body(c.body());
        }
        String path = c.path().replace("{pending}", pendingId);
        Response response = request.request(c.method(), path);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(c.status());
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("code")).isEqualTo(c.code());
        assertThat(response.jsonPath().getInt("status")).isEqualTo(c.status());
        assertThat(response.jsonPath().getString("detail")).isNotBlank();

        assertUnchanged(before);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String create = "/v1/verifications";
        // the body
        bad(cases, "malformed JSON", create, "{");
        bad(cases, "JSON array", create, "[]");
        bad(cases, "JSON null", create, "null");
        bad(cases, "empty body", create, "");
        bad(cases, "JSON string", create, "\"+14155550100\"");
        bad(cases, "JSON number", create, "123");
        bad(cases, "trailing garbage", create, "{\"to\":\"" + OK_TO + "\"} x");
        bad(cases, "to is a number", create, "{\"to\":14155550100}");
        bad(cases, "to is a boolean", create, "{\"to\":true}");
        bad(cases, "to is an array", create, "{\"to\":[\"" + OK_TO + "\"]}");
        bad(cases, "to is an object", create, "{\"to\":{\"a\":1}}");
        bad(cases, "to is null", create, "{\"to\":null}");
        bad(cases, "to missing", create, "{}");
        bad(cases, "to empty", create, "{\"to\":\"\"}");
        bad(cases, "to blank", create, "{\"to\":\"   \"}");
        bad(cases, "to huge", create, "{\"to\":\"" + "a".repeat(4000) + "@example.com\"}");
        bad(cases, "phone huge", create, "{\"to\":\"+1" + "5".repeat(400) + "\"}");
        // phones
        bad(cases, "phone without +", create, "{\"to\":\"14155550100\"}");
        bad(cases, "phone too short", create, "{\"to\":\"+1415555\"}");
        bad(cases, "phone unknown country code", create, "{\"to\":\"+999123456789\"}");
        bad(cases, "phone with letters", create, "{\"to\":\"+1-800-FLOWERS\"}");
        bad(cases, "phone too long", create, "{\"to\":\"+44 20 7946 0999 9999 99\"}");
        bad(cases, "phone in Arabic-Indic digits", create, "{\"to\":\"+١٤١٥٥٥٥٠١٠٠\"}");
        bad(cases, "phone with CR/LF", create, "{\"to\":\"+14155550100\\r\\nX-Injected: 1\"}");
        bad(cases, "phone with extension", create, "{\"to\":\"+14155550100 ext. 5\"}");
        bad(cases, "phone with NUL", create, "{\"to\":\"+14155550100\\u0000\"}");
        // e-mail addresses
        bad(cases, "email with CR/LF header injection", create, "{\"to\":\"alice@example.com\\r\\nBcc: evil@example.com\"}");
        bad(cases, "email with display name", create, "{\"to\":\"Alice <alice@example.com>\"}");
        bad(cases, "email with two @", create, "{\"to\":\"alice@@example.com\"}");
        bad(cases, "email without domain", create, "{\"to\":\"alice@\"}");
        bad(cases, "email without local part", create, "{\"to\":\"@example.com\"}");
        bad(cases, "email without TLD", create, "{\"to\":\"alice@example\"}");
        bad(cases, "email domain label starts with -", create, "{\"to\":\"alice@-example.com\"}");
        bad(cases, "email with a space", create, "{\"to\":\"al ice@example.com\"}");
        bad(cases, "email with double dot", create, "{\"to\":\"alice..x@example.com\"}");
        bad(cases, "email local part over 64", create, "{\"to\":\"" + "a".repeat(65) + "@example.com\"}");
        bad(cases, "email over 254", create, "{\"to\":\"a@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(63) + ".com\"}");
        bad(cases, "email quoted local part", create, "{\"to\":\"\\\"q\\\"@example.com\"}");
        bad(cases, "email IP literal domain", create, "{\"to\":\"alice@[127.0.0.1]\"}");
        bad(cases, "email with a tab", create, "{\"to\":\"alice@example.com\\t\"}");
        // other fields
        bad(cases, "phone on the email channel", create, "{\"to\":\"+14155550100\",\"channel\":\"email\"}");
        bad(cases, "email on the sms channel", create, "{\"to\":\"" + OK_TO + "\",\"channel\":\"sms\"}");
        bad(cases, "unknown channel", create, "{\"to\":\"" + OK_TO + "\",\"channel\":\"voice\"}");
        bad(cases, "channel is a number", create, "{\"to\":\"" + OK_TO + "\",\"channel\":1}");
        bad(cases, "unknown purpose", create, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"unknown\"}");
        bad(cases, "malformed purpose", create, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"Bad Purpose!\"}");
        bad(cases, "empty purpose", create, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"\"}");
        bad(cases, "malformed locale", create, "{\"to\":\"" + OK_TO + "\",\"locale\":\"not a locale\"}");
        bad(cases, "empty locale", create, "{\"to\":\"" + OK_TO + "\",\"locale\":\"\"}");
        bad(cases, "huge locale", create, "{\"to\":\"" + OK_TO + "\",\"locale\":\"" + "x".repeat(50) + "\"}");
        bad(cases, "empty session", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"\"}");
        bad(cases, "session over 128", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"" + "s".repeat(129) + "\"}");
        bad(cases, "session with a newline", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"a\\nb\"}");
        bad(cases, "session is a number", create, "{\"to\":\"" + OK_TO + "\",\"session\":42}");
        bad(cases, "clientIp out of range", create, "{\"to\":\"" + OK_TO + "\",\"clientIp\":\"999.1.1.1\"}");
        bad(cases, "clientIp a host name", create, "{\"to\":\"" + OK_TO + "\",\"clientIp\":\"localhost\"}");
        // forms the JDK and inet_aton read one way and a reader of the logs another: refused, not guessed at
        for (String ip : List.of("10.1.2", "167837953", "010.0.0.1", "10.0.0.01", "0x0a.0.0.1", "10.0.0.1.",
                "fe80::1%eth0", "[2001:db8::1]", "::ffff:10.1.2", "::ffff:010.0.0.1", "2001:db8::g", " 10.0.0.1")) {
            bad(cases, "clientIp " + ip, create, "{\"to\":\"" + OK_TO + "\",\"clientIp\":\"" + ip + "\"}");
        }
        bad(cases, "unknown field", create, "{\"to\":\"" + OK_TO + "\",\"unknown\":1}");
        bad(cases, "a code in a create", create, "{\"to\":\"" + OK_TO + "\",\"code\":\"123456\"}");
        // malformed Unicode in every string field: a lone surrogate has no UTF-8 form to hash or store
        bad(cases, "to with a lone surrogate", create, "{\"to\":\"alice\\ud800@example.com\"}");
        bad(cases, "phone with a lone surrogate", create, "{\"to\":\"+14155550100\\udc00\"}");
        bad(cases, "channel with a lone surrogate", create, "{\"to\":\"" + OK_TO + "\",\"channel\":\"\\ud800\"}");
        bad(cases, "purpose with a lone surrogate", create, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"login\\udfff\"}");
        bad(cases, "locale with a lone surrogate", create, "{\"to\":\"" + OK_TO + "\",\"locale\":\"en\\ud800\"}");
        bad(cases, "session a lone high surrogate", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"\\ud800\"}");
        bad(cases, "session a reversed pair", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"\\udc00\\ud800\"}");
        bad(cases, "clientIp with a lone surrogate", create, "{\"to\":\"" + OK_TO + "\",\"clientIp\":\"10.0.0.1\\ud800\"}");
        bad(cases, "unknown field named by a lone surrogate", create, "{\"to\":\"" + OK_TO + "\",\"\\ud800\":1}");
        bad(cases, "unknown field with a long name", create, "{\"to\":\"" + OK_TO + "\",\"" + "n".repeat(3000) + "\":1}");
        // a member named twice: parsers disagree on which wins, so none is taken
        bad(cases, "to named twice", create, "{\"to\":\"" + OK_TO + "\",\"to\":\"bob@example.com\"}");
        bad(cases, "session named twice", create, "{\"to\":\"" + OK_TO + "\",\"session\":\"a\",\"session\":\"b\"}");
        bad(cases, "an unknown member named twice", create, "{\"to\":\"" + OK_TO + "\",\"x\":1,\"x\":2}");
        cases.add(new Case("oversized body", "POST", create, "application/json",
                "{\"to\":\"" + "a".repeat(9000) + "\"}", Map.of(), 413, "payload-too-large"));
        cases.add(new Case("text/plain body", "POST", create, "text/plain", "to=" + OK_TO, Map.of(), 415,
                "unsupported-media-type"));
        // a media range names no media type: read as JSON anyway, it would be read otherwise than sent
        cases.add(new Case("*/* body", "POST", create, "*/*", "{\"to\":\"" + OK_TO + "\"}", Map.of(), 415,
                "unsupported-media-type"));
        cases.add(new Case("application/* body", "POST", create, "application/*", "{\"to\":\"" + OK_TO + "\"}",
                Map.of(), 415, "unsupported-media-type"));
        cases.add(new Case("Idempotency-Key too long", "POST", create, "application/json",
                "{\"to\":\"" + OK_TO + "\"}", Map.of("Idempotency-Key", "k".repeat(300)), 400, "invalid-request"));
        cases.add(new Case("no API key", "POST", create, "application/json", "{\"to\":\"" + OK_TO + "\"}",
                Map.of("Authorization", "Bearer wrong"), 401, "unauthorized"));
        cases.add(new Case("wrong method", "PUT", create, "application/json", "{}", Map.of(), 405, "method-not-allowed"));
        // ids
        cases.add(new Case("malformed id", "GET", "/v1/verifications/x", null, null, Map.of(), 404, "not-found"));
        cases.add(new Case("upper-case id", "GET", "/v1/verifications/VE" + "A".repeat(32), null, null, Map.of(), 404, "not-found"));
        cases.add(new Case("id with a Redis pattern", "DELETE", "/v1/verifications/VE*", null, null, Map.of(), 404, "not-found"));
        cases.add(new Case("resend of a malformed id", "POST", "/v1/verifications/%7B%7D/resend", null, null, Map.of(), 404, "not-found"));
        // checks against the pending verification: nothing may count as an attempt
        String check = "/v1/verifications/{pending}/check";
        bad(cases, "code with letters", check, "{\"code\":\"12ab56\"}");
        bad(cases, "code empty", check, "{\"code\":\"\"}");
        bad(cases, "code a number", check, "{\"code\":123456}");
        bad(cases, "code too long", check, "{\"code\":\"12345678901\"}");
        bad(cases, "code too short", check, "{\"code\":\"123\"}");
        bad(cases, "code in Arabic-Indic digits", check, "{\"code\":\"١٢٣٤٥٦\"}");
        bad(cases, "code with a space", check, "{\"code\":\" 123456\"}");
        bad(cases, "code missing", check, "{}");
        bad(cases, "check with empty session", check, "{\"code\":\"123456\",\"session\":\"\"}");
        bad(cases, "check with unknown field", check, "{\"code\":\"123456\",\"extra\":1}");
        bad(cases, "check malformed JSON", check, "{\"code\":");
        bad(cases, "check null body", check, "null");
        bad(cases, "code named twice", check, "{\"code\":\"123456\",\"code\":\"654321\"}");
        bad(cases, "check with a lone surrogate code", check, "{\"code\":\"12345\\ud800\"}");
        bad(cases, "check with a lone surrogate session", check, "{\"code\":\"123456\",\"session\":\"\\udfff\"}");
        String byRecipient = "/v1/verification-checks";
        bad(cases, "check by a bad recipient", byRecipient, "{\"to\":\"not-an-email@\",\"code\":\"123456\"}");
        bad(cases, "check by recipient, short code", byRecipient, "{\"to\":\"" + OK_TO + "\",\"code\":\"12\"}");
        bad(cases, "check by recipient, unknown purpose", byRecipient, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"nope\",\"code\":\"123456\"}");
        bad(cases, "check by recipient without to", byRecipient, "{\"code\":\"123456\"}");
        bad(cases, "check by recipient, to named twice", byRecipient, "{\"to\":\"" + OK_TO + "\",\"to\":\"" + OK_TO + "\",\"code\":\"123456\"}");
        bad(cases, "check by recipient, to with a lone surrogate", byRecipient, "{\"to\":\"\\ud800" + OK_TO + "\",\"code\":\"123456\"}");
        bad(cases, "check by recipient, purpose with a lone surrogate", byRecipient, "{\"to\":\"" + OK_TO + "\",\"purpose\":\"\\ud800\",\"code\":\"123456\"}");
        bad(cases, "check by recipient, session with a lone surrogate", byRecipient, "{\"to\":\"" + OK_TO + "\",\"code\":\"123456\",\"session\":\"x\\udc00\"}");
        return cases;
    }

    private static void bad(List<Case> cases, String name, String path, String body) {
        cases.add(new Case(name, "POST", path, "application/json", body, Map.of(), 400, "invalid-request"));
    }
}
