package io.otpservice.fraud;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.otpservice.code.Hasher;
import io.otpservice.store.Keys;
import io.otpservice.support.ApiTest;
import io.otpservice.support.SmsProvidersResource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/**
 * SMS-pumping protection through the API, on the suite's Redis. The test profile keeps the guard's
 * defaults (a prefix is the calling code and 3 digits, judged after 50 sends in an hour, blocked for
 * an hour under 10 % approvals), gives FR a budget of 30 sends an hour and the key 'tenant-key' one of
 * 20 creates. Each test texts a GB mobile prefix of its own, which no other test uses; the other
 * tests' numbers are on the safe list.
 */
@QuarkusTest
class FraudTest extends ApiTest {

    private static final int MIN_SENDS = 50;
    private static final Set<String> USED = ConcurrentHashMap.newKeySet();
    private static final Pattern WEBOTP_CODE = Pattern.compile("#([0-9]{4,10})$");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)\\{([^}]*)} ([0-9.Ee+-]+)$");

    @Inject
    Hasher hasher;
    @Inject
    CircuitBreakerMaintenance breakers;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aPumpingAttackBlocksItsPrefixAfterExactlyMinSendsAndNoOtherPrefix() {
        double blocksBefore = metric("otp_fraud_blocks_total", "country=\"GB\"", "reason=\"low-conversion\"");
        double refusedBefore = metric("otp_fraud_blocked_sends_total", "country=\"GB\"", "reason=\"prefix-guard\"");
        // 200 numbers of one range, each from an address of its own, and nobody enters a code
        List<Integer> statuses = new ArrayList<>();
        List<Response> refused = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Response r = create(gb("+44740"));
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                refused.add(r);
            }
        }
        assertThat(statuses.subList(0, MIN_SENDS)).containsOnly(201);
        assertThat(statuses.subList(MIN_SENDS, 200)).containsOnly(429);
        refused.getFirst().then().body("code", equalTo("rate-limited")).body("limit", equalTo("prefix-guard"))
                .body("detail", containsString("number range is paused"));
        assertThat(Long.parseLong(refused.getFirst().header("Retry-After"))).isBetween(3590L, 3600L);
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44740"))).isEqualTo(MIN_SENDS);

        // a refused create stores nothing and moves no counter: no verification, no client count
        String ip = newClientIp();
        String to = gb("+44740");
        create(Map.of("to", to, "clientIp", ip)).then().statusCode(429).header("Retry-After", notNullValue());
        assertThat(redis.key().exists(Keys.clientCreates(hasher.opaque("client", ip)))).isFalse();
        assertThat(redis.key().exists(Keys.livePointer(hasher.recipientHash(to), "default"))).isFalse();
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44740"))).isEqualTo(MIN_SENDS);

        // the rest of the country goes on
        create(gb("+44741")).then().statusCode(201);

        operator().get("/v1/fraud/blocks").then().statusCode(200)
                .body("blocks.findAll { it.prefix == '+44740' }", hasSize(1))
                .body("blocks.find { it.prefix == '+44740' }.country", equalTo("GB"))
                .body("blocks.find { it.prefix == '+44740' }.sends", equalTo(MIN_SENDS))
                .body("blocks.find { it.prefix == '+44740' }.approvals", equalTo(0))
                .body("blocks.find { it.prefix == '+44740' }.since", notNullValue())
                .body("blocks.find { it.prefix == '+44740' }.until", notNullValue());
        assertThat(metric("otp_fraud_blocks_total", "country=\"GB\"", "reason=\"low-conversion\""))
                .isEqualTo(blocksBefore + 1);
        assertThat(metric("otp_fraud_blocked_sends_total", "country=\"GB\"", "reason=\"prefix-guard\""))
                .isEqualTo(refusedBefore + 151);
        // the metrics name the country, never the prefix
        assertThat(Pattern.compile("=\"[^\"]*44740").matcher(scrape()).find()).isFalse();
    }

    @Test
    void aPrefixWhoseCodesAreEnteredIsNeverBlocked() {
        for (int i = 0; i < 200; i++) {
            String to = gb("+44742");
            String id = create(to).then().statusCode(201).extract().path("id");
            if (i % 10 < 7) {
                check(id, codeJustSentTo(to)).then().statusCode(200);
            }
        }
        assertThat(redis.key().exists(Keys.prefixBlock("+44742"))).isFalse();
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44742"))).isEqualTo(200);
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixApprovals("+44742"))).isEqualTo(140);
    }

    @Test
    void aBlockEndsByItselfAfterBlockFor() {
        block("+44743");
        // an hour on: the block is over, and so is the window that judged it
        passTime("+44743", Duration.ofHours(1));
        create(gb("+44743")).then().statusCode(201);
        operator().get("/v1/fraud/blocks").then().statusCode(200)
                .body("blocks.findAll { it.prefix == '+44743' }", hasSize(0));
    }

    @Test
    void anOperatorLiftsABlockAtOnce() {
        double liftedBefore = metric("otp_fraud_unblocks_total", "country=\"GB\"", "reason=\"lifted\"");
        block("+44744");
        given().get("/v1/fraud/blocks").then().statusCode(401);
        api().get("/v1/fraud/blocks").then().statusCode(403).body("code", equalTo("forbidden"));
        api().delete("/v1/fraud/blocks/+44744").then().statusCode(403);
        operator().delete("/v1/fraud/blocks/not-a-prefix").then().statusCode(400).body("code", equalTo("invalid-request"))
                .body("errors[0].field", equalTo("prefix"));
        // no number starts with 0 in E.164, and a block is never on one: +0 and +0044 are mistakes, not prefixes
        for (String wrong : List.of("+0", "+0044744", "+1234567890123456")) {
            operator().delete("/v1/fraud/blocks/" + wrong).then().statusCode(400).body("code", equalTo("invalid-request"));
        }

        operator().delete("/v1/fraud/blocks/+44744").then().statusCode(204);
        create(gb("+44744")).then().statusCode(201);
        operator().delete("/v1/fraud/blocks/+44744").then().statusCode(404).body("code", equalTo("not-found"));
        operator().delete("/v1/fraud/blocks/44799").then().statusCode(404);
        operator().get("/v1/fraud/blocks").then().statusCode(200)
                .body("blocks.findAll { it.prefix == '+44744' }", hasSize(0));
        assertThat(metric("otp_fraud_unblocks_total", "country=\"GB\"", "reason=\"lifted\"")).isEqualTo(liftedBefore + 1);
    }

    @Test
    void approvalsLiftABlockAsSoonAsPeopleConvertAndResendsAreHeldToIt() {
        double recoveredBefore = metric("otp_fraud_unblocks_total", "country=\"GB\"", "reason=\"recovered\"");
        List<String> numbers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MIN_SENDS; i++) {
            String to = gb("+44746");
            numbers.add(to);
            ids.add(create(to).then().statusCode(201).extract().path("id"));
        }
        create(gb("+44746")).then().statusCode(429).body("limit", equalTo("prefix-guard"));
        // a resend is a send: refused too, and the verification is as it was
        cooldownOver(ids.getFirst());
        resend(ids.getFirst()).then().statusCode(429).body("limit", equalTo("prefix-guard"))
                .header("Retry-After", notNullValue());
        api().get("/v1/verifications/" + ids.getFirst()).then().body("sendsRemaining", equalTo(4));

        // 4 of 50 is under 10 %: still blocked; the fifth approval lifts it
        for (int i = 1; i <= 4; i++) {
            check(ids.get(i), codeJustSentTo(numbers.get(i))).then().statusCode(200);
        }
        create(gb("+44746")).then().statusCode(429);
        check(ids.get(5), codeJustSentTo(numbers.get(5))).then().statusCode(200);
        resend(ids.getFirst()).then().statusCode(200).body("sendsRemaining", equalTo(3));
        // judged on every send: 5 approvals of 51 sends is under 10 % again; a sixth approval lifts it again
        create(gb("+44746")).then().statusCode(429);
        check(ids.get(6), codeJustSentTo(numbers.get(6))).then().statusCode(200);
        create(gb("+44746")).then().statusCode(201);
        assertThat(metric("otp_fraud_unblocks_total", "country=\"GB\"", "reason=\"recovered\""))
                .isEqualTo(recoveredBefore + 2);
    }

    @Test
    void fiftyParallelCreatesCrossingMinSendsBlockAtExactlyTheThreshold() throws Exception {
        double blocksBefore = metric("otp_fraud_blocks_total", "country=\"GB\"", "reason=\"low-conversion\"");
        for (int i = 0; i < 30; i++) {
            create(gb("+44748")).then().statusCode(201);
        }
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            numbers.add(gb("+44748"));
        }
        Map<Integer, Long> statuses = race(50, i -> () -> create(numbers.get(i)).statusCode());

        assertThat(statuses).containsEntry(201, 20L).containsEntry(429, 30L).hasSize(2);
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44748"))).isEqualTo(MIN_SENDS);
        assertThat(metric("otp_fraud_blocks_total", "country=\"GB\"", "reason=\"low-conversion\""))
                .isEqualTo(blocksBefore + 1);
    }

    @Test
    void theSafeListAndTestRecipientsPassDuringABlockAndAreNotCounted() {
        block("+44747");
        create("+447479912345").then().statusCode(201); // +4474799 is on the test profile's safe list
        create(Map.of("to", "+447479800001", "session", "fraud-" + ThreadLocalRandom.current().nextInt()))
                .then().statusCode(201).body("delivery.provider", equalTo("test-recipient"));
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44747"))).isEqualTo(MIN_SENDS);
    }

    @Test
    void premiumRateNumbersGetNoSms() {
        double refusedBefore = metric("otp_fraud_blocked_sends_total", "reason=\"number-type\"");
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        for (String region : List.of("GB", "US")) {
            String premium = phones.format(phones.getExampleNumberForType(region, PhoneNumberType.PREMIUM_RATE),
                    PhoneNumberFormat.E164);
            create(premium).then().statusCode(422).body("code", equalTo("channel-not-allowed"))
                    .body("errors[0].field", equalTo("to"))
                    .body("errors[0].message", containsString("premium-rate number"));
        }
        assertThat(metric("otp_fraud_blocked_sends_total", "reason=\"number-type\"")).isEqualTo(refusedBefore + 2);
        // a mobile number of the same country is fine
        create(gb("+44749")).then().statusCode(201);
    }

    @Test
    void aCountryBudgetIsExactUnderFiftyParallelCreates() throws Exception {
        redis.key().del(Keys.countrySends("FR"));
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            numbers.add(unique("+33612", 6));
        }
        Map<Integer, Long> statuses = race(50, i -> () -> create(numbers.get(i)).statusCode());

        assertThat(statuses).containsEntry(201, 30L).containsEntry(429, 20L).hasSize(2);
        create(unique("+33613", 6)).then().statusCode(429).body("limit", equalTo("country-sends"))
                .body("detail", containsString("budget for this country")).header("Retry-After", notNullValue());
        create(gb("+44749")).then().statusCode(201); // another country's sends go on
        redis.key().del(Keys.countrySends("FR"));
    }

    @Test
    void anApiKeyBudgetIsExactUnderFiftyParallelCreates() throws Exception {
        redis.key().del(Keys.apiKeyCreates("tenant"));
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            numbers.add(gb("+44751"));
        }
        Map<Integer, Long> statuses = race(50, i -> () -> tenant().body(Map.of("to", numbers.get(i),
                "clientIp", newClientIp())).post("/v1/verifications").statusCode());

        assertThat(statuses).containsEntry(201, 20L).containsEntry(429, 30L).hasSize(2);
        tenant().body(Map.of("to", newEmail(), "clientIp", newClientIp())).post("/v1/verifications").then()
                .statusCode(429).body("limit", equalTo("api-key-creates"))
                .body("detail", containsString("budget of this API key"));
        // a test recipient is never blocked; another key has a budget of its own
        tenant().body(Map.of("to", "review@example.com", "session", "tenant-" + ThreadLocalRandom.current().nextInt()))
                .post("/v1/verifications").then().statusCode(201);
        create(newEmail()).then().statusCode(201);
        redis.key().del(Keys.apiKeyCreates("tenant"));
    }

    @Test
    void aSendNoProviderTookIsTakenBackFromThePrefix() {
        String to = gb("+44749");
        long before = redis.sortedSet(String.class).zcard(Keys.prefixSends("+44749"));
        var providers = SmsProvidersResource.wireMock();
        try {
            // refusals: not retried and no count towards a breaker
            providers.stubFor(post(urlEqualTo(SmsProvidersResource.TWILIO_PATH)).willReturn(aResponse().withStatus(400)));
            providers.stubFor(post(urlPathEqualTo(SmsProvidersResource.VONAGE_PATH)).willReturn(aResponse().withStatus(400)));
            providers.stubFor(post(urlEqualTo(SmsProvidersResource.WEBHOOK_PATH)).willReturn(aResponse().withStatus(400)));
            create(to).then().statusCode(502).body("code", equalTo("delivery-failed"));
        } finally {
            SmsProvidersResource.acceptEverything();
            breakers.resetAll();
        }
        assertThat(redis.sortedSet(String.class).zcard(Keys.prefixSends("+44749"))).isEqualTo(before);
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Sends exactly min-sends to fresh numbers of {@code prefix}, then one more, which starts the block. */
    private void block(String prefix) {
        for (int i = 0; i < MIN_SENDS; i++) {
            create(gb(prefix)).then().statusCode(201);
        }
        create(gb(prefix)).then().statusCode(429).body("limit", equalTo("prefix-guard"));
        assertThat(redis.key().exists(Keys.prefixBlock(prefix))).isTrue();
    }

    /** A fresh GB mobile number of a three-digit prefix (+447xx), never in the safe range +4474799. */
    private static String gb(String prefix) {
        return unique(prefix, 7);
    }

    private static String unique(String prefix, int digits) {
        while (true) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            StringBuilder n = new StringBuilder(prefix).append(r.nextInt(8));
            while (n.length() < prefix.length() + digits) {
                n.append(r.nextInt(10));
            }
            if (USED.add(n.toString())) {
                RECIPIENTS.add(n.toString());
                return n.toString();
            }
        }
    }

    /**
     * The code of the latest SMS to {@code to}, which Twilio (WireMock) took before the create answered:
     * read from the newest requests, without waiting.
     */
    private static String codeJustSentTo(String to) {
        for (var event : SmsProvidersResource.wireMock().getAllServeEvents()) {
            var request = event.getRequest();
            if (request.getUrl().equals(SmsProvidersResource.TWILIO_PATH) && to.equals(form(request.getBodyAsString()).get("To"))) {
                Matcher m = WEBOTP_CODE.matcher(form(request.getBodyAsString()).get("Body"));
                assertThat(m.find()).as("a WebOTP line in the SMS").isTrue();
                CODES.add(m.group(1));
                return m.group(1);
            }
        }
        throw new AssertionError("no SMS to " + to);
    }

    /**
     * Moves a prefix's clock on by {@code d}, as Redis would see it: its sends and approvals age, and
     * its block ends if it had less than {@code d} left.
     */
    private void passTime(String prefix, Duration d) {
        var zsets = redis.sortedSet(String.class);
        for (String key : List.of(Keys.prefixSends(prefix), Keys.prefixApprovals(prefix))) {
            for (ScoredValue<String> entry : zsets.zrangeWithScores(key, 0, -1)) {
                zsets.zadd(key, entry.score() - d.toMillis(), entry.value());
            }
        }
        String block = Keys.prefixBlock(prefix);
        long left = redis.key().pttl(block);
        redis.key().pexpire(block, Math.max(1, left - d.toMillis()));
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", "Bearer operator-key");
    }

    private static RequestSpecification tenant() {
        return given().header("Authorization", "Bearer tenant-key").contentType(ContentType.JSON);
    }

    private String scrape() {
        return given().get(metrics).then().statusCode(200).extract().asString();
    }

    /** The sum of a metric's samples whose labels contain every one of {@code labels}. */
    private double metric(String name, String... labels) {
        double sum = 0;
        Matcher m = SAMPLE.matcher(scrape());
        while (m.find()) {
            if (!m.group(1).equals(name)) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= m.group(2).contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }
}
