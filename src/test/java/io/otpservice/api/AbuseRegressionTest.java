package io.otpservice.api;

import io.otpservice.support.ApiTest;
import io.otpservice.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The five defects an outside abuse test found (issue 11), each as it was reproduced, and the class
 * of each: a refused request answers a 4xx problem and Redis holds exactly what it held before.
 */
@QuarkusTest
class AbuseRegressionTest extends ApiTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/openapi", management = true)
    java.net.URL openApiUrl;

    private static final Path LOG = Path.of("target/otp-test.log");
    /** The number of the reproduction; in the fiction range, and scanned for by SecretScanTest. */
    private static final String PHONE = "+14155550188";

    // --- 1. receipts: a bad percent-escape was a 500 with the body in an ERROR line ----------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"To=%2B14155550188&MessageStatus=delivered&x=%zz", "x=%zz", "a=%", "%%%%", "a=%u0041",
            "To=%2B14155550188&a=%2", "To=%2B14155550188&a=%ff%fe", "To=%2B14155550188&a=%ED%A0%80"})
    void aBadPercentEscapeInAReceiptIsA400ThatQuotesNothing(String body) throws IOException {
        RECIPIENTS.add(PHONE);
        long logBefore = Files.size(LOG);
        Map<String, String> before = snapshot();

        for (String provider : new String[]{"twilio", "vonage"}) {
            Response inBody = given().contentType("application/x-www-form-urlencoded").body(body)
                    .post("/v1/delivery-callbacks/" + provider + "?ref=VE" + "0".repeat(32) + ".1");
            assertInvalidAndQuotesNothing(inBody, body);
            // a client library would re-encode the query; this one goes as written
            RawHttp.Answer inQuery = RawHttp.exchange("POST /v1/delivery-callbacks/" + provider + "?" + body
                    + " HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 23",
                    "MessageStatus=delivered".getBytes(StandardCharsets.US_ASCII));
            // Quarkus refuses a request target that is not a valid URI before any route (a bare 400, see
            // the README's Security section); a valid one with bytes that are not UTF-8 reaches the reader
            assertThat(inQuery.status()).as(inQuery.toString()).isEqualTo(400);
            assertThat(inQuery.isProblem(400, "invalid-request") || !validUri("/x?" + body) && inQuery.body().isEmpty())
                    .as(inQuery.toString()).isTrue();
            assertThat(inQuery.body()).doesNotContain(body).doesNotContain("14155550188");
        }

        assertUnchanged(before);
        String logged = newLogLines(logBefore);
        assertThat(logged).doesNotContain("\"level\":\"ERROR\"").doesNotContain("14155550188").doesNotContain(body);
        assertThat(logged).containsPattern("receipt +-> invalid-request 400");
    }

    private static void assertInvalidAndQuotesNothing(Response response, String body) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith(Problem.MEDIA_TYPE);
        assertThat(response.jsonPath().getString("code")).isEqualTo("invalid-request");
        assertThat(response.asString()).doesNotContain(body).doesNotContain("14155550188");
    }

    // --- 2. a session (or any string) with a lone surrogate was hashed as '?' ------------------------------

    @Test
    void aLoneSurrogateInASessionIsRefusedAndBindsNothing() {
        String to = newEmail();
        Map<String, String> before = snapshot();
        api().body("{\"to\":\"" + to + "\",\"session\":\"\\ud800\",\"clientIp\":\"" + newClientIp() + "\"}")
                .post("/v1/verifications").then().statusCode(400)
                .body("code", equalTo("invalid-request")).body("errors[0].field", equalTo("session"));
        assertUnchanged(before);
        assertThat(mailCount(to)).isZero();

        // the other way round: bound to "?", a check presenting a lone surrogate is refused, not an attempt
        String id = create(Map.of("to", to, "session", "?")).then().statusCode(201).extract().path("id");
        String code = lastCodeSentTo(to, 1);
        Map<String, String> pending = snapshot();
        for (String session : new String[]{"\\ud800", "\\udfff", "a\\udc00", "\\udc00\\ud800"}) {
            api().body("{\"code\":\"" + code + "\",\"session\":\"" + session + "\"}")
                    .post("/v1/verifications/" + id + "/check").then().statusCode(400)
                    .body("code", equalTo("invalid-request")).body("errors[0].field", equalTo("session"));
        }
        assertUnchanged(pending);
        api().body(Map.of("code", code, "session", "?")).post("/v1/verifications/" + id + "/check")
                .then().statusCode(200).body("status", equalTo("approved"));
    }

    // --- 3. a chunked body got past the 8 KiB limit, and DELETE ran before its body was read -------------

    @Test
    void aChunkedBodyOverTheLimitIsRefusedBeforeAnyHandlerRuns() throws IOException {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        codesSentTo(to, 1);
        cooldownOver(id);
        Map<String, String> before = snapshot();
        byte[] big = "x".repeat(20_000).getBytes(StandardCharsets.US_ASCII);

        for (String head : new String[]{"DELETE /v1/verifications/" + id + " HTTP/1.1",
                "POST /v1/verifications/" + id + "/resend HTTP/1.1",
                "POST /v1/verifications/" + id + "/check HTTP/1.1",
                "POST /v1/verifications HTTP/1.1",
                "GET /v1/verifications/" + id + " HTTP/1.1"}) {
            String withKey = head + "\r\nAuthorization: Bearer " + KEY + "\r\nContent-Type: application/json";
            RawHttp.Answer chunked = RawHttp.chunked(withKey, big, 1000);
            assertThat(chunked.isProblem(413, "payload-too-large")).as(head + " chunked: " + chunked).isTrue();
            RawHttp.Answer declared = RawHttp.exchange(withKey + "\r\nContent-Length: " + big.length, big);
            assertThat(declared.isProblem(413, "payload-too-large")).as(head + " with Content-Length: " + declared).isTrue();
        }
        // a create just over the limit, in one chunk and in many
        byte[] create = paddedCreate(newEmail(), BodyLimit.MAX_BYTES + 1);
        String createHead = "POST /v1/verifications HTTP/1.1\r\nAuthorization: Bearer " + KEY + "\r\nContent-Type: application/json";
        assertThat(RawHttp.chunked(createHead, create, create.length).isProblem(413, "payload-too-large")).isTrue();
        assertThat(RawHttp.chunked(createHead, create, 7).isProblem(413, "payload-too-large")).isTrue();

        assertUnchanged(before);
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("pending"))
                .body("sendsRemaining", equalTo(4));
        assertThat(mailCount(to)).isEqualTo(1);
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadWhateverItsFraming() throws IOException {
        String head = "POST /v1/verifications HTTP/1.1\r\nAuthorization: Bearer " + KEY + "\r\nContent-Type: application/json";
        byte[] exact = paddedCreate(newEmail(), BodyLimit.MAX_BYTES);
        RawHttp.Answer chunked = RawHttp.chunked(head, exact, 333);
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(201);
        byte[] other = paddedCreate(newEmail(), BodyLimit.MAX_BYTES);
        RawHttp.Answer declared = RawHttp.exchange(head + "\r\nContent-Length: " + other.length, other);
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        byte[] small = paddedCreate(newEmail(), 0);
        assertThat(RawHttp.chunked(head, small, 5).status()).isEqualTo(201);
    }

    /** A create body for {@code to}, padded with trailing spaces to {@code size} bytes (at least its own length). */
    private static byte[] paddedCreate(String to, int size) {
        RECIPIENTS.add(to);
        String json = "{\"to\":\"" + to + "\",\"clientIp\":\"" + newClientIp() + "\"}";
        return (json + " ".repeat(Math.max(0, size - json.length()))).getBytes(StandardCharsets.US_ASCII);
    }

    // --- 4. every 405 said "see the Allow header" and none sent one -------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "PUT, /v1/verifications, POST",
            "GET, /v1/verifications, POST",
            "PATCH, /v1/verifications/VE00000000000000000000000000000000, 'DELETE,GET,HEAD'",
            "POST, /v1/verifications/VE00000000000000000000000000000000, 'DELETE,GET,HEAD'",
            "GET, /v1/verifications/VE00000000000000000000000000000000/check, POST",
            "DELETE, /v1/verifications/VE00000000000000000000000000000000/resend, POST",
            "GET, /v1/verification-checks, POST",
            "GET, /v1/delivery-callbacks/twilio, POST",
            "POST, /.well-known/jwks.json, 'GET,HEAD'",
    })
    void every405CarriesTheAllowHeaderOfItsPath(String method, String path, String methods) {
        Map<String, String> before = snapshot();
        Set<String> expected = new TreeSet<>(Arrays.asList(methods.split(",")));
        expected.add("OPTIONS");

        Response response = api().body("{}").request(method, path);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.contentType()).startsWith(Problem.MEDIA_TYPE);
        assertThat(response.jsonPath().getString("code")).isEqualTo("method-not-allowed");
        assertThat(allow(response)).isEqualTo(expected);
        // OPTIONS names the same methods
        Response options = given().options(path);
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(allow(options)).isEqualTo(expected);
        assertUnchanged(before);
    }

    /** Every path and operation of the OpenAPI document (which Quarkus builds from the resources) has its Allow. */
    @Test
    void theAllowOfEveryPathIsWhatTheOpenApiDocumentSays() {
        Map<String, Map<String, Object>> paths = given().accept("application/json").get(openApiUrl)
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        assertThat(paths).isNotEmpty();
        paths.forEach((template, operations) -> {
            String path = template.replaceAll("\\{[^}]+}", "VE" + "0".repeat(32));
            Set<String> expected = new TreeSet<>(Set.of("OPTIONS"));
            operations.keySet().forEach(op -> expected.add(op.toUpperCase(java.util.Locale.ROOT)));
            if (expected.contains("GET")) {
                expected.add("HEAD");
            }
            assertThat(allow(given().options(path))).as(template).isEqualTo(expected);
        });
    }

    private static Set<String> allow(Response response) {
        String allow = response.header("Allow");
        assertThat(allow).as("Allow").isNotBlank();
        return Arrays.stream(allow.split(",")).map(String::trim).collect(Collectors.toCollection(TreeSet::new));
    }

    // --- 5. an empty Idempotency-Key was taken as no key --------------------------------------------------

    @ParameterizedTest(name = "Idempotency-Key \"{0}\"")
    @MethodSource("badIdempotencyKeys")
    void anEmptyOrMalformedIdempotencyKeyIsRefused(String key) {
        String to = newEmail();
        Map<String, String> before = snapshot();
        for (int i = 0; i < 2; i++) {
            api().header("Idempotency-Key", key).body(Map.of("to", to, "clientIp", newClientIp()))
                    .post("/v1/verifications").then().statusCode(400)
                    .body("code", equalTo("invalid-request")).body("errors[0].field", equalTo("Idempotency-Key"));
        }
        assertUnchanged(before);
        assertThat(mailCount(to)).isZero();
    }

    static Stream<String> badIdempotencyKeys() {
        return Stream.of("", " ", "x y", "k\u00e9", "\u00a0", "k".repeat(256));
    }

    @Test
    void headersTheApiDefinesAreRefusedWhenEmptyOrRepeated() throws IOException {
        String to = newEmail();
        RECIPIENTS.add(to);
        byte[] body = ("{\"to\":\"" + to + "\",\"clientIp\":\"" + newClientIp() + "\"}").getBytes(StandardCharsets.US_ASCII);
        String create = "POST /v1/verifications HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length;
        String key = "\r\nAuthorization: Bearer " + KEY;
        Map<String, String> before = snapshot();

        assertThat(RawHttp.exchange(create + key + "\r\nIdempotency-Key:", body).isProblem(400, "invalid-request")).isTrue();
        assertThat(RawHttp.exchange(create + key + "\r\nIdempotency-Key: a\r\nIdempotency-Key: a", body)
                .isProblem(400, "invalid-request")).isTrue();
        for (String authorization : new String[]{"", "\r\nAuthorization:", "\r\nAuthorization: Bearer",
                "\r\nAuthorization: Bearer ", "\r\nAuthorization: Basic dGVzdC1rZXk6", key + key,
                "\r\nAuthorization: Bearer test-key extra", "\r\nAuthorization: Bearer\ttest-key",
                "\r\nAuthorization: Bearer test-key\u00a0", "\r\nAuthorization: Bearertest-key"}) {
            RawHttp.Answer answer = RawHttp.exchange(create + authorization, body);
            assertThat(answer.isProblem(401, "unauthorized")).as("[" + authorization + "] " + answer).isTrue();
        }
        assertUnchanged(before);
        assertThat(mailCount(to)).isZero();
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private static boolean validUri(String target) {
        try {
            new java.net.URI(target);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String newLogLines(long from) throws IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
    }
}
