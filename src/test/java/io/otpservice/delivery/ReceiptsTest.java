package io.otpservice.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.otpservice.support.ApiTest;
import io.otpservice.support.SmsProvidersResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Delivery receipts at /v1/delivery-callbacks/{provider}: a valid signature moves the delivery
 * state of the send it names; a missing, forged or stale one is 403 and moves nothing. The
 * signatures here are computed by the test itself, from the providers' documented schemes.
 */
@QuarkusTest
class ReceiptsTest extends ApiTest {

    static final String TWILIO_TOKEN = "test-twilio-auth-token";
    static final String VONAGE_SECRET = "test-vonage-signature-secret-0123456789";
    static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef";

    @TestHTTPResource(value = "/metrics", management = true)
    java.net.URL metricsUrl;

    final WireMockServer providers = SmsProvidersResource.wireMock();

    @AfterEach
    void providersUp() {
        SmsProvidersResource.acceptEverything();
    }

    // --- Twilio -----------------------------------------------------------------------------------

    @Test
    void twilioReceiptMovesTheStateOnlyWithItsSignature() throws Exception {
        String id = create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("twilio"))
                .extract().path("id");
        Map<String, String> delivered = twilioStatus("delivered", null);

        twilio(id + ".1", delivered, null).post(twilioPath(id + ".1")).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        twilio(id + ".1", delivered, "c2lnbmF0dXJlLW9mLWFub3RoZXItcmVxdWVzdA==").post(twilioPath(id + ".1"))
                .then().statusCode(403);
        // signed for "delivered", sent as "failed": the signature covers every parameter
        Map<String, String> tampered = new LinkedHashMap<>(delivered);
        tampered.put("MessageStatus", "failed");
        twilio(id + ".1", tampered, twilioSignature(id + ".1", delivered)).post(twilioPath(id + ".1"))
                .then().statusCode(403);
        status(id).body("delivery.status", equalTo("sent"));

        twilio(id + ".1", delivered, twilioSignature(id + ".1", delivered)).post(twilioPath(id + ".1"))
                .then().statusCode(204);
        status(id).body("delivery.status", equalTo("delivered")).body("delivery.provider", equalTo("twilio"));

        // delivered is final: a later "failed" about the same send changes nothing
        Map<String, String> failed = twilioStatus("failed", "30003");
        twilio(id + ".1", failed, twilioSignature(id + ".1", failed)).post(twilioPath(id + ".1")).then().statusCode(204);
        status(id).body("delivery.status", equalTo("delivered")).body("delivery.lastError", org.hamcrest.Matchers.nullValue());
        assertThat(metrics()).containsPattern(
                "otp_delivery_receipts_total\\{moved=\"true\",provider=\"twilio\",status=\"delivered\"\\} [1-9]");
    }

    @Test
    void aReceiptAboutAnOlderSendChangesNothing() throws Exception {
        String id = create(newPhone()).then().statusCode(201).extract().path("id");
        cooldownOver(id);
        resend(id).then().statusCode(200);
        Map<String, String> failed = twilioStatus("undelivered", "30005");
        twilio(id + ".1", failed, twilioSignature(id + ".1", failed)).post(twilioPath(id + ".1")).then().statusCode(204);
        status(id).body("delivery.status", equalTo("sent"));
        twilio(id + ".2", failed, twilioSignature(id + ".2", failed)).post(twilioPath(id + ".2")).then().statusCode(204);
        status(id).body("delivery.status", equalTo("failed")).body("delivery.lastError", equalTo("twilio: error 30005"));
    }

    @Test
    void aReceiptMovesOnlyASendThatItsOwnProviderTook() throws Exception {
        String id = viaVonage();
        String lastError = status(id).extract().path("delivery.lastError"); // Twilio's refusal, before Vonage took it
        // signed by Twilio, about a send that went out through Vonage: accepted (204), and nothing moves
        Map<String, String> failed = twilioStatus("failed", "30003");
        twilio(id + ".1", failed, twilioSignature(id + ".1", failed)).post(twilioPath(id + ".1")).then().statusCode(204);
        status(id).body("delivery.status", equalTo("sent")).body("delivery.provider", equalTo("vonage"))
                .body("delivery.lastError", equalTo(lastError));
    }

    @Test
    void aReceiptThatComesWhileItsSendIsStillInFlightCounts() throws Exception {
        // Twilio reports delivery before it answers the send
        String id = createWhileTwilioAnswersLate(201, ref -> {
            Map<String, String> delivered = twilioStatus("delivered", null);
            twilio(ref, delivered, twilioSignature(ref, delivered)).post(twilioPath(ref)).then().statusCode(204);
        }).then().statusCode(201).extract().path("id");
        status(id).body("delivery.status", equalTo("delivered")).body("delivery.provider", equalTo("twilio"));
    }

    @Test
    void anEarlyReceiptOfAProviderThatThenFailedOverCountsForNothing() throws Exception {
        // Twilio reports a failure before it refuses the send (a 400 is not retried): Vonage takes it
        String id = createWhileTwilioAnswersLate(400, ref -> {
            Map<String, String> failed = twilioStatus("failed", "30003");
            twilio(ref, failed, twilioSignature(ref, failed)).post(twilioPath(ref)).then().statusCode(204);
        }).then().statusCode(201).extract().path("id");
        status(id).body("delivery.status", equalTo("sent")).body("delivery.provider", equalTo("vonage"))
                .body("delivery.lastError", org.hamcrest.Matchers.not(equalTo("twilio: error 30003")));
        // and Vonage's own receipt moves it
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> dlr = vonageDlr(id + ".1", "delivered", "0", now);
        dlr.put("sig", vonageSig(dlr, VONAGE_SECRET));
        vonageJson(dlr).post("/v1/delivery-callbacks/vonage").then().statusCode(204);
        status(id).body("delivery.status", equalTo("delivered")).body("delivery.provider", equalTo("vonage"));
    }

    @Test
    void anErrorCodeThatIsNoShortNumberIsRefusedNotCut() throws Exception {
        String id = create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("twilio"))
                .extract().path("id");
        for (String code : new String[]{"9".repeat(40), "300a3", "-1"}) {
            Map<String, String> failed = twilioStatus("failed", code);
            twilio(id + ".1", failed, twilioSignature(id + ".1", failed)).post(twilioPath(id + ".1")).then()
                    .statusCode(400).body("code", equalTo("invalid-request"))
                    .body("detail", equalTo("ErrorCode must be a number of at most 8 digits."));
        }
        status(id).body("delivery.status", equalTo("sent"));
    }

    // --- Vonage -------------------------------------------------------------------------------------

    @Test
    void vonageReceiptIsCheckedByItsSignatureSecret() throws Exception {
        String id = viaVonage();
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> dlr = vonageDlr(id + ".1", "failed", "6", now);

        Map<String, String> forged = new TreeMap<>(dlr);
        forged.put("sig", vonageSig(forged, "not-the-secret"));
        vonageJson(forged).post("/v1/delivery-callbacks/vonage").then().statusCode(403);
        Map<String, String> stale = vonageDlr(id + ".1", "failed", "6", now - 600);
        stale.put("sig", vonageSig(stale, VONAGE_SECRET));
        vonageJson(stale).post("/v1/delivery-callbacks/vonage").then().statusCode(403);
        status(id).body("delivery.status", equalTo("sent"));

        dlr.put("sig", vonageSig(dlr, VONAGE_SECRET));
        vonageJson(dlr).post("/v1/delivery-callbacks/vonage").then().statusCode(204);
        status(id).body("delivery.status", equalTo("failed")).body("delivery.lastError", equalTo("vonage: err-code 6"));
    }

    @Test
    void vonageSignedJwtIsAcceptedAndBoundToTheBody() throws Exception {
        String id = viaVonage();
        String body = "{\"client-ref\":\"" + id + ".1\",\"status\":\"delivered\",\"err-code\":\"0\"}";
        String other = body.replace("delivered", "failed");

        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(body, "wrong-secret-0123456789abcdef0123456789"))
                .body(body).post("/v1/delivery-callbacks/vonage").then().statusCode(403);
        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(other, VONAGE_SECRET))
                .body(body).post("/v1/delivery-callbacks/vonage").then().statusCode(403);
        // a token without payload_hash signs no body: it would vouch for any receipt sent with it
        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(body, VONAGE_SECRET, false))
                .body(body).post("/v1/delivery-callbacks/vonage").then().statusCode(403);
        status(id).body("delivery.status", equalTo("sent"));

        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(body, VONAGE_SECRET))
                .body(body).post("/v1/delivery-callbacks/vonage").then().statusCode(204);
        status(id).body("delivery.status", equalTo("delivered"));
    }

    // --- webhook ------------------------------------------------------------------------------------

    @Test
    void webhookReceiptUsesTheSameHmacAsOutbound() throws Exception {
        String id = viaWebhook();
        String body = "{\"reference\":\"" + id + ".1\",\"status\":\"delivered\"}";
        long now = System.currentTimeMillis() / 1000;

        webhook(body, now - 600, WEBHOOK_SECRET).then().statusCode(403);
        webhook(body, now, "another-secret-0123456789abcdef0123").then().statusCode(403);
        given().contentType("application/json").body(body).post("/v1/delivery-callbacks/webhook").then().statusCode(403);
        status(id).body("delivery.status", equalTo("sent"));

        webhook("[\"not an object\"]", now, WEBHOOK_SECRET).then().statusCode(400).body("code", equalTo("invalid-request"));
        // an error only means something on a failure: a delivered receipt's is not kept (lastError stays the
        // failover's, from the providers tried before the webhook)
        String lastError = status(id).extract().path("delivery.lastError");
        webhook(body.replace("}", ",\"error\":\"carrier gone\"}"), now, WEBHOOK_SECRET).then().statusCode(204);
        status(id).body("delivery.status", equalTo("delivered")).body("delivery.lastError", equalTo(lastError));
        await().atMost(Duration.ofSeconds(5)).until(() -> java.nio.file.Files.readString(
                java.nio.file.Path.of("target/otp-test.log")).matches("(?s).*\"receipt +-> accepted 204 in .*"));
    }

    @Test
    void aWebhookErrorKeepsItsWordsButNoAddressOrNumber() throws Exception {
        String id = viaWebhook();
        String body = "{\"reference\":\"" + id + ".1\",\"status\":\"failed\","
                + "\"error\":\"mailbox <alice.smith@example.com> unknown, +447700900123 code 550\"}";
        webhook(body, System.currentTimeMillis() / 1000, WEBHOOK_SECRET).then().statusCode(204);
        status(id).body("delivery.status", equalTo("failed"))
                .body("delivery.lastError", equalTo("webhook: mailbox unknown code"));
    }

    @Test
    void aSignedWebhookReceiptOutsideItsProtocolIsRefused() throws Exception {
        String id = viaWebhook();
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> refused = Map.of(
                "{\"reference\":\"" + id + ".1\",\"status\":\"bogus\"}", "status must be delivered, failed or sent.",
                "{\"reference\":\"" + id + ".1\"}", "status must be delivered, failed or sent.",
                "{\"reference\":123,\"status\":\"delivered\"}", "reference must be a string.",
                "{\"status\":\"delivered\"}", "reference is required.",
                "{\"reference\":\"" + id + ".1\",\"status\":[\"failed\"]}", "status must be a string.",
                "{\"reference\":\"" + id + ".1\",\"status\":\"failed\",\"error\":7}", "error must be a string.");
        for (Map.Entry<String, String> receipt : refused.entrySet()) {
            webhook(receipt.getKey(), now, WEBHOOK_SECRET).then().statusCode(400)
                    .body("code", equalTo("invalid-request")).body("detail", equalTo(receipt.getValue()));
        }
        status(id).body("delivery.status", equalTo("sent"));
    }

    /** Two readers must never read one receipt two ways: a field named twice is refused, even signed. */
    @Test
    void aSignedReceiptThatNamesAFieldTwiceIsRefused() throws Exception {
        String id = viaWebhook();
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> before = snapshot();

        String webhookBody = "{\"reference\":\"" + id + ".1\",\"status\":\"failed\",\"status\":\"delivered\"}";
        webhook(webhookBody, now, WEBHOOK_SECRET).then().statusCode(400).body("code", equalTo("invalid-request"));
        String vonageBody = "{\"client-ref\":\"" + id + ".1\",\"status\":\"failed\",\"status\":\"delivered\"}";
        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(vonageBody, VONAGE_SECRET))
                .body(vonageBody).post("/v1/delivery-callbacks/vonage").then().statusCode(400);
        String vonageForm = "client-ref=" + id + ".1&status=failed&status=delivered";
        given().contentType("application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + vonageJwt(vonageForm, VONAGE_SECRET))
                .body(vonageForm).post("/v1/delivery-callbacks/vonage").then().statusCode(400);
        // the same name in the query and the body
        given().contentType("application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + vonageJwt("status=delivered", VONAGE_SECRET))
                .body("status=delivered").post("/v1/delivery-callbacks/vonage?status=failed").then().statusCode(400);
        Map<String, String> twice = new LinkedHashMap<>(twilioStatus("failed", "30003"));
        String twilioForm = twice.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&")) + "&MessageStatus=delivered";
        given().contentType("application/x-www-form-urlencoded").body(twilioForm)
                .header("X-Twilio-Signature", "c2lnbmF0dXJl").post(twilioPath(id + ".1")).then().statusCode(400);
        // Vonage with a JWT: it signs the body only, so fields in the query would be read unsigned
        String signedBody = "{\"message_uuid\":\"aaaa\"}";
        given().contentType("application/json").header("Authorization", "Bearer " + vonageJwt(signedBody, VONAGE_SECRET))
                .body(signedBody).post("/v1/delivery-callbacks/vonage?client-ref=" + id + ".1&status=failed&err-code=7")
                .then().statusCode(400).body("code", equalTo("invalid-request"));
        // Twilio: the same name in the query and the body, correctly signed
        Map<String, String> withRef = new LinkedHashMap<>(twilioStatus("delivered", null));
        withRef.put("ref", id + ".2");
        twilio(id + ".1", withRef, twilioSignature(id + ".1", withRef)).post(twilioPath(id + ".1")).then().statusCode(400)
                .body("code", equalTo("invalid-request"));

        assertUnchanged(before);
        status(id).body("delivery.status", equalTo("sent"));
    }

    @Test
    void onlyConfiguredProvidersTakeReceipts() {
        for (String provider : new String[]{"log", "smtp", "nope", "TWILIO"}) {
            given().contentType("application/json").body("{}").post("/v1/delivery-callbacks/" + provider)
                    .then().statusCode(404).body("code", equalTo("not-found"));
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    private String viaWebhook() {
        providers.stubFor(post(urlEqualTo(SmsProvidersResource.TWILIO_PATH)).willReturn(aResponse().withStatus(400)));
        providers.stubFor(post(urlPathEqualTo(SmsProvidersResource.VONAGE_PATH)).willReturn(aResponse().withStatus(400)));
        return create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("webhook"))
                .extract().path("id");
    }

    /**
     * Creates for a new number while Twilio holds the send 0.4 s (within the test profile's 0.8 s
     * timeout) before it answers {@code twilioStatus}; {@code meanwhile} gets the send's reference
     * (VE….1) once Twilio has the request.
     */
    private io.restassured.response.Response createWhileTwilioAnswersLate(int twilioStatus, Meanwhile meanwhile)
            throws Exception {
        providers.stubFor(post(urlEqualTo(SmsProvidersResource.TWILIO_PATH))
                .willReturn(SmsProvidersResource.twilioTakes().withStatus(twilioStatus).withFixedDelay(400)));
        String phone = newPhone();
        var created = java.util.concurrent.CompletableFuture.supplyAsync(() -> create(phone).andReturn());
        String encoded = enc(phone);
        String ref = await().atMost(Duration.ofSeconds(5)).until(() -> providers.getAllServeEvents().stream()
                .map(e -> e.getRequest().getBodyAsString()).filter(b -> b.contains("To=" + encoded))
                .map(b -> java.util.regex.Pattern.compile("ref%3D(VE[0-9a-f]{32}\\.1)").matcher(b))
                .filter(java.util.regex.Matcher::find).map(m -> m.group(1)).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertThat(created).as("the send is still with Twilio").isNotDone();
        meanwhile.accept(ref);
        return created.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private interface Meanwhile {
        void accept(String reference) throws Exception;
    }

    private String viaVonage() {
        providers.stubFor(post(urlEqualTo(SmsProvidersResource.TWILIO_PATH)).willReturn(aResponse().withStatus(400)));
        return create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("vonage"))
                .extract().path("id");
    }

    private static io.restassured.response.ValidatableResponse status(String id) {
        return api().get("/v1/verifications/" + id).then().statusCode(200);
    }

    private static String twilioPath(String ref) {
        return "/v1/delivery-callbacks/twilio?ref=" + ref;
    }

    private static Map<String, String> twilioStatus(String status, String errorCode) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", "AC7e570123456789abcdef0123456789ab");
        params.put("MessageSid", "SM0123456789abcdef0123456789abcdef");
        params.put("MessageStatus", status);
        if (errorCode != null) {
            params.put("ErrorCode", errorCode);
        }
        return params;
    }

    /** Twilio's scheme: Base64 HMAC-SHA1 of the URL it called followed by each sorted name and value. */
    private static String twilioSignature(String ref, Map<String, String> params) throws Exception {
        StringBuilder data = new StringBuilder("https://otp.test.example" + twilioPath(ref));
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        return Base64.getEncoder().encodeToString(Signatures.hmac("HmacSHA1", TWILIO_TOKEN, data.toString()));
    }

    private static RequestSpecification twilio(String ref, Map<String, String> params, String signature) {
        RequestSpecification spec = given().contentType("application/x-www-form-urlencoded")
                .body(params.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                        .collect(Collectors.joining("&")));
        return signature == null ? spec : spec.header("X-Twilio-Signature", signature);
    }

    private static Map<String, String> vonageDlr(String ref, String status, String errCode, long timestamp) {
        Map<String, String> dlr = new TreeMap<>();
        dlr.put("msisdn", "14155550100");
        dlr.put("to", "OTPService");
        dlr.put("network-code", "310260");
        dlr.put("messageId", "0A0000000123ABCD1");
        dlr.put("price", "0.00570000");
        dlr.put("status", status);
        dlr.put("scts", "2611261200");
        dlr.put("err-code", errCode);
        dlr.put("client-ref", ref);
        dlr.put("message-timestamp", "2026-11-26 12:00:00");
        dlr.put("timestamp", Long.toString(timestamp));
        dlr.put("nonce", "b2d3f7a1-0000-4000-8000-000000000000");
        return dlr;
    }

    /** Vonage's SHA-256 HMAC scheme: {@code &name=value} of every parameter but sig, sorted, upper-case hex. */
    private static String vonageSig(Map<String, String> params, String secret) throws Exception {
        StringBuilder data = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("sig")) {
                data.append('&').append(k).append('=').append(v.replace('&', '_').replace('=', '_'));
            }
        });
        return Signatures.hmacHex("HmacSHA256", secret, data.toString()).toUpperCase(Locale.ROOT);
    }

    private static RequestSpecification vonageJson(Map<String, String> params) throws Exception {
        return given().contentType("application/json").body(new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(params));
    }

    private static String vonageJwt(String body, String secret) throws Exception {
        return vonageJwt(body, secret, true);
    }

    private static String vonageJwt(String body, String secret, boolean payloadHash) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuedAtToNow();
        claims.setGeneratedJwtId();
        claims.setIssuer("Vonage");
        if (payloadHash) {
            claims.setClaim("payload_hash", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8))));
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }

    /** A webhook receipt with this body, signed at {@code timestamp} with {@code secret}. */
    static io.restassured.response.Response webhook(String body, long timestamp, String secret) throws Exception {
        return given().contentType("application/json")
                .header("X-Otp-Timestamp", Long.toString(timestamp))
                .header("X-Otp-Signature", "v1=" + Signatures.hmacHex("HmacSHA256", secret, timestamp + "." + body))
                .body(body).post("/v1/delivery-callbacks/webhook");
    }

    private String metrics() {
        return given().get(metricsUrl).then().statusCode(200).extract().asString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
