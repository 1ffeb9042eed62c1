package io.otpservice.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.otpservice.support.ApiTest;
import io.otpservice.support.SmsProvidersResource;
import io.otpservice.support.SmtpServerResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.otpservice.support.SmsProvidersResource.TWILIO_PATH;
import static io.otpservice.support.SmsProvidersResource.VONAGE_PATH;
import static io.otpservice.support.SmsProvidersResource.WEBHOOK_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * Delivery against real servers: GreenMail for SMTP, WireMock as Twilio, Vonage and the webhook
 * provider (tried in that order). The test profile shortens timeouts (800 ms), retry delays (50 ms)
 * and the breakers (open after 4 calls, half-open after 1.5 s).
 */
@QuarkusTest
class DeliveryTest extends ApiTest {

    static final String TWILIO_SID = "AC7e570123456789abcdef0123456789ab";
    static final String TWILIO_TOKEN = "test-twilio-auth-token";

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    io.otpservice.code.Hasher hasher;

    @TestHTTPResource(value = "/metrics", management = true)
    java.net.URL metricsUrl;

    static final Path TEST_LOG = Path.of("target/otp-test.log");

    final WireMockServer providers = SmsProvidersResource.wireMock();

    @BeforeEach
    void forgetRequests() {
        providers.resetRequests();
    }

    @BeforeEach
    @AfterEach
    void providersUp() {
        SmsProvidersResource.acceptEverything();
        breakers.resetAll();
    }

    // --- e-mail -------------------------------------------------------------------------------

    @Test
    void anEmailHasSubjectTextAndHtmlInTheLocaleAsked() throws Exception {
        String to = newEmail();
        String id = create(Map.of("to", to, "locale", "fr")).then().statusCode(201)
                .body("delivery.status", equalTo("sent")).body("delivery.provider", equalTo("smtp"))
                .body("delivery.attempts", equalTo(1)).extract().path("id");
        MimeMessage mail = mailTo(to);
        assertThat(mail.getSubject()).isEqualTo("Votre code de vérification");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("otp@test.example");
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        String code = text.replaceAll("(?s).*Votre code de vérification est ([0-9]{6})\\..*", "$1");
        assertThat(code).matches("[0-9]{6}");
        assertThat(text).contains("Il expire dans 10 minutes.");
        assertThat(html).contains("<html lang=\"fr\">").contains("<strong>" + code + "</strong>");
        CODES.add(code);
        check(id, code).then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void aLocaleFallsBackToItsLanguageThenToEnglish() throws Exception {
        String brazil = newEmail();
        create(Map.of("to", brazil, "locale", "pt-BR")).then().statusCode(201);
        assertThat(mailTo(brazil).getSubject()).isEqualTo("Seu código de verificação");
        String dutch = newEmail();
        create(Map.of("to", dutch, "locale", "nl")).then().statusCode(201);
        assertThat(mailTo(dutch).getSubject()).isEqualTo("Your verification code");
        String hindi = newEmail();
        create(Map.of("to", hindi, "locale", "hi")).then().statusCode(201);
        assertThat(part(mailTo(hindi), "text/plain")).startsWith("आपका सत्यापन कोड है:");
    }

    @Test
    void templatesFromTheOverrideDirectoryWin() throws Exception {
        String to = newEmail();
        create(Map.of("to", to, "purpose", "short")).then().statusCode(201);
        MimeMessage mail = mailTo(to);
        // email/short/en/subject.txt: only a subject, so the body is the shipped one
        assertThat(mail.getSubject()).isEqualTo("Your sign-in code (short purpose)");
        assertThat(part(mail, "text/plain")).startsWith("Your verification code is ");

        // sms.short.en.body.txt: the flat name a ConfigMap key must use
        String phone = newPhone();
        create(Map.of("to", phone, "purpose", "short")).then().statusCode(201);
        String code = smsCodesSentTo(phone, 1).getFirst();
        assertThat(smsSentTo(phone).getFirst())
                .isEqualTo("Short-lived code is " + code + ". It expires in 1 min.\n\n@otp.test.example #" + code);
    }

    @Test
    void smtpDownFailsCleanlyThenWorksAgainWithoutARestart() throws Exception {
        var smtp = SmtpServerResource.greenMail();
        String to = newEmail();
        smtp.stop();
        try {
            long start = System.nanoTime();
            create(to).then().statusCode(502).body("code", equalTo("delivery-failed"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            smtp.start();
        }
        // the failed send was taken back: a new create starts afresh (201, not the old one's 200)
        String id = create(to).then().statusCode(201).body("delivery.status", equalTo("sent")).extract().path("id");
        check(id, lastCodeSentTo(to, 1)).then().statusCode(200);
    }

    // --- SMS providers: the exact requests ----------------------------------------------------

    @Test
    void twilioGetsTheMessageWithBasicAuthAndAStatusCallback() {
        String phone = newPhone();
        String id = create(phone).then().statusCode(201)
                .body("delivery.status", equalTo("sent")).body("delivery.provider", equalTo("twilio"))
                .body("delivery.attempts", equalTo(1)).body("delivery.lastError", nullValue())
                .extract().path("id");
        List<LoggedRequest> requests = providers.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.getFirst();
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString((TWILIO_SID + ":" + TWILIO_TOKEN).getBytes()));
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(request.getBodyAsString());
        String code = smsCodesSentTo(phone, 1).getFirst();
        assertThat(form).containsOnlyKeys("To", "From", "Body", "StatusCallback")
                .containsEntry("To", phone).containsEntry("From", "+15005550000")
                .containsEntry("Body", "Your verification code is " + code
                        + ". It expires in 10 min. Never share it.\n\n@otp.test.example #" + code)
                .containsEntry("StatusCallback", "https://otp.test.example/v1/delivery-callbacks/twilio?ref=" + id + ".1");
        assertThat(Gsm7.oneSegment(form.get("Body"))).isTrue();
        check(id, code).then().statusCode(200);
    }

    @Test
    void a400IsNotRetriedAndVonageTakesOverWithItsOwnFields() {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"code\":21211,\"message\":\"invalid To\"}")));
        String phone = newPhone();
        String id = create(phone).then().statusCode(201)
                .body("delivery.provider", equalTo("vonage")).body("delivery.attempts", equalTo(2))
                .body("delivery.lastError", equalTo("twilio: HTTP 400")).extract().path("id");
        providers.verify(1, postRequestedFor(urlEqualTo(TWILIO_PATH)));
        List<LoggedRequest> requests = providers.findAll(postRequestedFor(urlPathEqualTo(VONAGE_PATH)));
        assertThat(requests).hasSize(1);
        Map<String, String> form = form(requests.getFirst().getBodyAsString());
        String code = smsCodesSentTo(phone, 1).getFirst();
        assertThat(form).containsOnlyKeys("api_key", "api_secret", "from", "to", "text", "type", "client-ref",
                        "status-report-req", "callback")
                .containsEntry("api_key", "test-vonage-key").containsEntry("api_secret", "test-vonage-secret")
                .containsEntry("from", "OTPService").containsEntry("to", phone.substring(1))
                .containsEntry("text", "Your verification code is " + code
                        + ". It expires in 10 min. Never share it.\n\n@otp.test.example #" + code)
                .containsEntry("type", "text").containsEntry("client-ref", id + ".1")
                .containsEntry("callback", "https://otp.test.example/v1/delivery-callbacks/vonage");
    }

    @Test
    void theWebhookGetsSignedJson() throws Exception {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(401)));
        // Vonage answers 200 but refuses the message (status 4: invalid credentials)
        providers.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(okJson(
                "{\"message-count\":\"1\",\"messages\":[{\"status\":\"4\",\"error-text\":\"Bad Credentials\"}]}")));
        String phone = newPhone();
        String id = create(Map.of("to", phone, "locale", "de")).then().statusCode(201)
                .body("delivery.provider", equalTo("webhook")).body("delivery.attempts", equalTo(3))
                .body("delivery.lastError", equalTo("vonage: status 4")).extract().path("id");
        List<LoggedRequest> requests = providers.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.getFirst();
        String body = request.getBodyAsString();
        String timestamp = request.getHeader("X-Otp-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(request.getHeader("X-Otp-Signature")).isEqualTo("v1=" + Signatures.hmacHex("HmacSHA256",
                "test-webhook-secret-0123456789abcdef", timestamp + "." + body));
        JsonNode json = new ObjectMapper().readTree(body);
        String code = smsCodesSentTo(phone, 1).getFirst();
        assertThat(json.path("reference").asText()).isEqualTo(id + ".1");
        assertThat(json.path("channel").asText()).isEqualTo("sms");
        assertThat(json.path("to").asText()).isEqualTo(phone);
        assertThat(json.path("locale").asText()).isEqualTo("de");
        assertThat(json.path("purpose").asText()).isEqualTo("default");
        assertThat(json.path("text").asText()).isEqualTo("Ihr Bestätigungscode lautet " + code
                + ". Er ist 10 Min. gültig. Geben Sie ihn nicht weiter.\n\n@otp.test.example #" + code);
    }

    // --- retries, timeouts, breakers, failover --------------------------------------------------

    @Test
    void twoFailuresThenSuccessIsDeliveredAfterRetries() {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed once"));
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("flaky").whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed twice"));
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("flaky").whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{}")));
        String phone = newPhone();
        create(phone).then().statusCode(201).body("delivery.status", equalTo("sent"))
                .body("delivery.provider", equalTo("twilio")).body("delivery.attempts", equalTo(3));
        providers.verify(3, postRequestedFor(urlEqualTo(TWILIO_PATH)));
        providers.verify(0, postRequestedFor(urlPathEqualTo(VONAGE_PATH)));
        assertThat(smsCodesSentTo(phone, 1)).hasSize(1);
    }

    @Test
    void aSlowProviderTimesOutAndTheNextOneIsUsed() {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(201).withFixedDelay(2_500)));
        long start = System.nanoTime();
        create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("vonage"))
                .body("delivery.lastError", equalTo("twilio: timed out"));
        // three calls of at most 800 ms each, then Vonage: well under the 3 × 2.5 s Twilio would take
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(5_000));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                providers.verify(3, postRequestedFor(urlEqualTo(TWILIO_PATH))));
    }

    @Test
    void repeatedFailuresOpenTheBreakerWhichClosesAgainAfterTheDelay() {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(503)));
        create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("vonage"));
        create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("vonage"));
        assertThat(breakers.currentState("twilio")).isEqualTo(CircuitBreakerState.OPEN);
        int seen = providers.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH))).size();

        create(newPhone()).then().statusCode(201).body("delivery.provider", equalTo("vonage"))
                .body("delivery.lastError", equalTo("twilio: circuit open"));
        providers.verify(seen, postRequestedFor(urlEqualTo(TWILIO_PATH))); // not called while open
        assertThat(metrics())
                .containsPattern("otp_sends_total\\{channel=\"sms\",outcome=\"circuit_open\",provider=\"twilio\"\\} [1-9]")
                .containsPattern("ft_circuitbreaker_state_current\\{method=\"io.otpservice.delivery.TwilioSender.send\",state=\"open\"\\} 1.0");

        SmsProvidersResource.acceptEverything();
        // the breaker lets a trial call through once its delay (1.5 s here) is over, on the next send
        await().pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> "twilio".equals(create(newPhone()).then().statusCode(201).extract().path("delivery.provider")));
        assertThat(breakers.currentState("twilio")).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void everyProviderDownIs502AndTheSendIsTakenBack() {
        allProvidersAnswer(503);
        String phone = newPhone();
        create(phone).then().statusCode(502).body("code", equalTo("delivery-failed"));
        String id = webhookReference(phone).replaceAll("\\.1$", "");
        // nothing pending: the verification was canceled and says why; a check finds nothing
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("canceled"))
                .body("delivery.status", equalTo("failed")).body("delivery.attempts", equalTo(9))
                .body("delivery.lastError", equalTo("webhook: HTTP 503"));
        check(id, "000000").then().statusCode(404);
        providers.verify(3, postRequestedFor(urlEqualTo(TWILIO_PATH)));
        providers.verify(3, postRequestedFor(urlPathEqualTo(VONAGE_PATH)));
        providers.verify(3, postRequestedFor(urlEqualTo(WEBHOOK_PATH)));

        // not counted: more failed sends than the recipient's limit (5 per 15 min) are never 429
        for (int i = 0; i < 6; i++) {
            breakers.resetAll();
            create(phone).then().statusCode(502).body("code", equalTo("delivery-failed"));
        }
        SmsProvidersResource.acceptEverything();
        breakers.resetAll();
        String fresh = create(phone).then().statusCode(201).body("sendsRemaining", equalTo(4)).extract().path("id");
        assertThat(fresh).isNotEqualTo(id);
    }

    @Test
    void whenEveryCircuitIsOpenTheAnswerIs503WithRetryAfter() throws Exception {
        allProvidersAnswer(503);
        create(newPhone()).then().statusCode(502);
        // the fourth failure of each provider opens its breaker: tried, so still 502
        create(newPhone()).then().statusCode(502).body("code", equalTo("delivery-failed"));
        int seen = providers.getAllServeEvents().size();
        var before = snapshot();
        long logged = Files.size(TEST_LOG);
        create(newPhone()).then().statusCode(503).body("code", equalTo("unavailable"))
                .header("Retry-After", equalTo("30"));
        assertThat(providers.getAllServeEvents()).hasSize(seen); // no provider was called
        // and nothing of the request is left in Redis: no canceled verification, no counter moved
        assertUnchanged(before);
        // each breaker's opening is logged once; a request refused while they are open adds no warning
        byte[] log = Files.readAllBytes(TEST_LOG);
        for (String provider : List.of("twilio", "vonage", "webhook")) {
            assertThat(new String(log, StandardCharsets.UTF_8)).contains("provider " + provider + ": circuit open");
        }
        assertThat(new String(log, (int) logged, log.length - (int) logged, StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("\"level\":\"WARN\"") && line.contains("\"loggerName\":\"otp.")))
                .as("the service's warnings about the refused request").isEmpty();
    }

    /**
     * A call that timed out may have reached the provider, which may yet send the code: such a send is
     * taken back (the verification canceled, 502) but stays counted against every limit, or a provider
     * that answers slowly would let a caller send without end and count nothing.
     */
    @Test
    void aSendThatTimedOutStaysCountedSinceTheCodeMayArrive() {
        // Twilio takes the message but answers after the test profile's 800 ms timeout; the others refuse
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(SmsProvidersResource.twilioTakes().withFixedDelay(1_500)));
        providers.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(aResponse().withStatus(400)));
        providers.stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(400)));
        // a number no fraud rule exempts (the test profile's safe list holds the newPhone() range)
        String phone = "+44788" + String.format("%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
        String ip = newClientIp();
        create(Map.of("to", phone, "clientIp", ip)).then().statusCode(502).body("code", equalTo("delivery-failed"))
                .body("detail", org.hamcrest.Matchers.containsString("may still arrive"));
        String id = webhookReference(phone).replaceAll("\\.1$", "");
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("canceled"))
                .body("delivery.status", equalTo("failed"));
        check(id, "000000").then().statusCode(404);

        String recipientHash = redis.hash(String.class).hget(verificationKey(id), io.otpservice.store.Fields.RECIPIENT_HASH);
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.recipientSends(recipientHash)))
                .as("the recipient's sends").isEqualTo(1);
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.clientCreates(hasher.opaque("client", ip))))
                .as("the client's creates").isEqualTo(1);
        // but not in its prefix's conversion: a canceled verification can never be approved, and a slow
        // provider would otherwise get the prefixes it was slow for blocked
        assertThat(redis.sortedSet(String.class).zscore(io.otpservice.store.Keys.prefixSends("+44788"), id + ":1"))
                .as("the prefix's sends").isEmpty();

        // a send every provider refused at once is not counted: the contrast
        String refused = newPhone();
        String refusingIp = newClientIp();
        allProvidersAnswer(400);
        create(Map.of("to", refused, "clientIp", refusingIp)).then().statusCode(502)
                .body("detail", org.hamcrest.Matchers.containsString("not counted"));
        String refusedId = webhookReference(refused).replaceAll("\\.1$", "");
        String refusedHash = redis.hash(String.class).hget(verificationKey(refusedId), io.otpservice.store.Fields.RECIPIENT_HASH);
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.recipientSends(refusedHash))).isZero();
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.clientCreates(hasher.opaque("client", refusingIp))))
                .isZero();
    }

    /** Vonage took the first part of a long SMS and refused the second: the code may have arrived. */
    @Test
    void aMessageTakenInPartIsNotRetriedAndStaysCounted() {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(400)));
        providers.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(okJson("{\"message-count\":\"2\",\"messages\":["
                + "{\"status\":\"0\",\"message-id\":\"0A01\"},{\"status\":\"1\",\"error-text\":\"Throttled\"}]}")));
        providers.stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(400)));
        String phone = newPhone();
        create(phone).then().statusCode(502).body("detail", org.hamcrest.Matchers.containsString("may still arrive"));
        providers.verify(1, postRequestedFor(urlPathEqualTo(VONAGE_PATH))); // the parts it took are not sent again
        String id = webhookReference(phone).replaceAll("\\.1$", "");
        String recipientHash = redis.hash(String.class).hget(verificationKey(id), io.otpservice.store.Fields.RECIPIENT_HASH);
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.recipientSends(recipientHash))).isEqualTo(1);
    }

    @Test
    void aResendThatFailsKeepsThePreviousCodeAndCooldown() {
        String phone = newPhone();
        String id = create(phone).then().statusCode(201).extract().path("id");
        String first = smsCodesSentTo(phone, 1).getFirst();
        cooldownOver(id);

        allProvidersAnswer(400);
        resend(id).then().statusCode(502).body("code", equalTo("delivery-failed"));
        api().get("/v1/verifications/" + id).then().statusCode(200)
                .body("status", equalTo("pending")).body("sendsRemaining", equalTo(4))
                .body("delivery.status", equalTo("failed")).body("delivery.provider", equalTo("webhook"))
                .body("delivery.lastError", equalTo("webhook: HTTP 400"));

        // the cooldown is the one before the failed resend: over already, so a resend works at once
        SmsProvidersResource.acceptEverything();
        resend(id).then().statusCode(200).body("sendsRemaining", equalTo(3)).body("delivery.status", equalTo("sent"));
        String second = smsCodesSentTo(phone, 2).getLast();
        assertThat(second).isNotEqualTo(first);
        check(id, first).then().statusCode(200).body("status", equalTo("approved"));
    }

    /** A send that fails slowly is taken back whatever happens meanwhile: no second send may overtake it. */
    @Test
    void noSendStartsWhileTheLastOneIsStillWithTheProviders() throws Exception {
        // every provider refuses after 0.6 s (a 400 is not retried): the first send fails after about 1.8 s,
        // beyond the test profile's 1 s cooldown
        for (String path : List.of(TWILIO_PATH, WEBHOOK_PATH)) {
            providers.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(400).withFixedDelay(600)));
        }
        providers.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(aResponse().withStatus(400).withFixedDelay(600)));
        String phone = newPhone();
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> create(phone));
        Thread.sleep(1_150); // the cooldown is over; the first send is still with the providers

        // a create finds the live verification past its cooldown: it answers it and sends nothing
        String id = create(phone).then().statusCode(200).extract().path("id");
        resend(id).then().statusCode(429).body("code", equalTo("resend-too-soon"));

        first.get(10, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(502);
        // the failed first send is taken back in full: the verification is canceled and nothing was counted
        api().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("canceled"));
        String recipientHash = redis.hash(String.class).hget(verificationKey(id), io.otpservice.store.Fields.RECIPIENT_HASH);
        assertThat(redis.sortedSet(String.class).zcard(io.otpservice.store.Keys.recipientSends(recipientHash))).isZero();
        providers.verify(1, postRequestedFor(urlEqualTo(TWILIO_PATH)));
    }

    /**
     * A receipt that comes while a resend is still with the providers cannot keep that resend, which
     * every provider then refuses, from being taken back in full: sends, codes and cooldown as before.
     */
    @Test
    void aResendTakenBackAfterAnEarlyReceiptKeepsThePreviousCodeAndCooldown() throws Exception {
        String phone = newPhone();
        String id = create(phone).then().statusCode(201).extract().path("id");
        String first = smsCodesSentTo(phone, 1).getFirst();
        cooldownOver(id);

        allProvidersAnswer(400);
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(400).withFixedDelay(400)));
        int twilioCalls = providers.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH))).size();
        var resent = java.util.concurrent.CompletableFuture.supplyAsync(() -> resend(id).andReturn());
        await().atMost(Duration.ofSeconds(5)).until(() ->
                providers.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH))).size() > twilioCalls);
        // the webhook provider reports the resend as sent while Twilio still has it
        String receipt = "{\"reference\":\"" + id + ".2\",\"status\":\"sent\"}";
        ReceiptsTest.webhook(receipt, System.currentTimeMillis() / 1000, ReceiptsTest.WEBHOOK_SECRET).then()
                .statusCode(204);
        resent.get(10, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(502)
                .body("code", equalTo("delivery-failed"));
        api().get("/v1/verifications/" + id).then().statusCode(200)
                .body("status", equalTo("pending")).body("sendsRemaining", equalTo(4))
                .body("delivery.status", equalTo("failed")).body("delivery.lastError", equalTo("webhook: HTTP 400"));

        // the cooldown is the one before: over, so a resend goes at once; the first code still approves
        SmsProvidersResource.acceptEverything();
        resend(id).then().statusCode(200).body("sendsRemaining", equalTo(3));
        check(id, first).then().statusCode(200).body("status", equalTo("approved"));
    }

    /** Creates that sent nothing (502, 503) do not use up the per-address create limit (30 an hour here). */
    @Test
    void createsThatSentNothingDoNotUseUpTheAddressLimit() {
        allProvidersAnswer(503);
        String ip = newClientIp();
        // a caller retrying through the outage; once the breakers are open each answer is a 503 at once
        for (int i = 0; i < 31; i++) {
            create(Map.of("to", newPhone(), "clientIp", ip)).then()
                    .statusCode(org.hamcrest.Matchers.oneOf(502, 503));
        }
        SmsProvidersResource.acceptEverything();
        breakers.resetAll();
        create(Map.of("to", newPhone(), "clientIp", ip)).then().statusCode(201);
    }

    /**
     * An Idempotency-Key is held "in progress" only as long as a create can take: a request that never
     * completes nor releases it (the process died) must not block the key for the whole TTL.
     */
    @Test
    void anIdempotencyKeyIsHeldInProgressOnlyAsLongAsACreateCanTake() throws Exception {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH))
                .willReturn(SmsProvidersResource.twilioTakes().withFixedDelay(400)));
        String key = "in-flight-" + System.nanoTime();
        var created = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                api().header("Idempotency-Key", key).body(Map.of("to", newPhone())).post("/v1/verifications"));
        // while the send is with Twilio, the key's record is the in-progress marker
        String record = await().atMost(Duration.ofSeconds(5)).until(() -> redis.key().keys("otp:{i*}:i:*").stream()
                .filter(k -> String.valueOf(redis.value(String.class).get(k)).startsWith("p:")).findFirst()
                .orElse(null), java.util.Objects::nonNull);
        assertThat(redis.key().pttl(record)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
        created.get(10, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(201);
        // the answer it holds then is kept for the whole TTL (the test profile's: longer than 2 minutes)
        assertThat(redis.value(String.class).get(record)).startsWith("d:");
        assertThat(redis.key().pttl(record)).isGreaterThan(Duration.ofMinutes(2).toMillis());
    }

    // --- helpers ------------------------------------------------------------------------------

    private void allProvidersAnswer(int status) {
        providers.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(status)));
        providers.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(aResponse().withStatus(status)));
        providers.stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(status)));
    }

    /** The reference of the first send the webhook provider saw for {@code phone}. */
    private String webhookReference(String phone) {
        for (LoggedRequest r : providers.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)))) {
            try {
                JsonNode json = new ObjectMapper().readTree(r.getBodyAsString());
                if (phone.equals(json.path("to").asText())) {
                    return json.path("reference").asText();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        throw new AssertionError("the webhook saw nothing for this number");
    }

    private String metrics() {
        return io.restassured.RestAssured.given().get(metricsUrl).then().statusCode(200).extract().asString();
    }

    private static MimeMessage mailTo(String address) {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                SmtpServerResource.greenMail().getReceivedMessagesForDomain(address).length > 0);
        return SmtpServerResource.greenMail().getReceivedMessagesForDomain(address)[0];
    }

    /** The decoded text of the first part of this MIME type. */
    private static String part(Part part, String type) throws Exception {
        List<Part> found = new ArrayList<>();
        collect(part, type, found);
        assertThat(found).as("a %s part", type).isNotEmpty();
        return found.getFirst().getContent().toString();
    }

    private static void collect(Part part, String type, List<Part> found) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, type, found);
            }
        } else if (part.isMimeType(type)) {
            found.add(part);
        }
    }
}
