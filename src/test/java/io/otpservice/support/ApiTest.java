package io.otpservice.support;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.otpservice.store.Fields;
import io.otpservice.store.Keys;
import io.otpservice.store.VerificationId;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Base of the integration tests: one Quarkus app for all of them, on a real Redis and a real SMTP
 * server. Every recipient and code the tests see is remembered for the final secret scan.
 */
@WithTestResource(value = RedisServerResource.class, scope = TestResourceScope.GLOBAL, parallel = true)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.GLOBAL, parallel = true)
@WithTestResource(value = SmsProvidersResource.class, scope = TestResourceScope.GLOBAL, parallel = true)
public abstract class ApiTest {

    /** The suite's Redis, for reading what the service stored and for moving its clock. */
    @Inject
    protected RedisDataSource redis;

    public static final String KEY = "test-key";
    /** Every raw recipient the suite used, and every code it received. */
    public static final Set<String> RECIPIENTS = ConcurrentHashMap.newKeySet();
    public static final Set<String> CODES = ConcurrentHashMap.newKeySet();

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final AtomicInteger PHONES = new AtomicInteger(100);
    private static final Pattern SMS_CODE = Pattern.compile("\\n@otp\\.test\\.example #([0-9]{4,10})$");
    private static final Pattern CODE = Pattern.compile("code is (?:<strong>)?([0-9]{4,10})");

    protected static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }

    /** A fresh e-mail recipient, so limits of one test never touch another. */
    protected static String newEmail() {
        String address = "user" + SEQUENCE.incrementAndGet() + "x" + ThreadLocalRandom.current().nextInt(1_000_000)
                + "@example.com";
        RECIPIENTS.add(address);
        return address;
    }

    /** A fresh US phone number in the 555-01xx range set aside for fiction. */
    protected static String newPhone() {
        int n = PHONES.getAndIncrement();
        if (n > 199) {
            throw new IllegalStateException("out of 555-01xx test numbers");
        }
        String phone = "+1415555" + String.format("%04d", n);
        RECIPIENTS.add(phone);
        return phone;
    }

    /** The texts of the SMS a provider (WireMock) took for {@code phone}, oldest first: 2xx answers only. */
    protected static List<String> smsSentTo(String phone) {
        List<String> texts = new java.util.ArrayList<>();
        for (var request : SmsProvidersResource.wireMock().getAllServeEvents().reversed()) {
            var r = request.getRequest();
            if (request.getResponse().getStatus() / 100 != 2) {
                continue;
            }
            if (r.getUrl().startsWith(SmsProvidersResource.WEBHOOK_PATH)) {
                try {
                    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBodyAsString());
                    if (phone.equals(node.path("to").asText())) {
                        texts.add(node.path("text").asText());
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                continue;
            }
            Map<String, String> form = form(r.getBodyAsString());
            if (phone.equals(form.get("To")) || phone.substring(1).equals(form.get("to"))) {
                texts.add(form.containsKey("Body") ? form.get("Body") : form.get("text"));
            }
        }
        return texts;
    }

    /** The codes sent by SMS to {@code phone}, read from the WebOTP line, waiting for {@code count}. */
    protected static List<String> smsCodesSentTo(String phone, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> smsSentTo(phone).size() >= count);
        List<String> codes = smsSentTo(phone).stream().map(text -> {
            Matcher m = SMS_CODE.matcher(text);
            if (!m.find()) {
                throw new AssertionError("no WebOTP line in an SMS");
            }
            return m.group(1);
        }).toList();
        CODES.addAll(codes);
        return codes;
    }

    /** An application/x-www-form-urlencoded body as a map (one value per name). */
    public static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            out.put(name, value);
        }
        return out;
    }

    /** A fresh client address, so the per-client create limit of one test never touches another. */
    protected static String newClientIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    protected static Response create(String to) {
        return create(Map.of("to", to));
    }

    /** POST /v1/verifications with a fresh clientIp unless the body names one. */
    protected static Response create(Map<String, ?> body) {
        Map<String, Object> withIp = new HashMap<>(body);
        withIp.putIfAbsent("clientIp", newClientIp());
        if (body.get("to") instanceof String to) {
            RECIPIENTS.add(to);
        }
        return api().body(withIp).post("/v1/verifications");
    }

    protected static Response check(String id, String code) {
        return api().body(Map.of("code", code)).post("/v1/verifications/" + id + "/check");
    }

    protected static Response resend(String id) {
        return api().post("/v1/verifications/" + id + "/resend");
    }

    /** The codes e-mailed to {@code address}, oldest first, waiting for {@code count} of them. */
    protected static List<String> codesSentTo(String address, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> messagesTo(address).size() >= count);
        List<String> codes = messagesTo(address).stream().map(ApiTest::code).toList();
        CODES.addAll(codes);
        return codes;
    }

    protected static String lastCodeSentTo(String address, int count) {
        List<String> codes = codesSentTo(address, count);
        return codes.get(codes.size() - 1);
    }

    protected static int mailCount(String address) {
        return messagesTo(address).size();
    }

    private static List<MimeMessage> messagesTo(String address) {
        return List.of(SmtpServerResource.greenMail().getReceivedMessagesForDomain(address));
    }

    private static String code(MimeMessage message) {
        Matcher m = CODE.matcher(GreenMailUtil.getWholeMessage(message));
        if (!m.find()) {
            throw new AssertionError("no code in a message");
        }
        return m.group(1);
    }

    /** Everything Redis holds now, to compare with {@link #assertUnchanged} after a refused request. */
    protected Map<String, String> snapshot() {
        return RedisContents.snapshot(redis);
    }

    /** Nothing appeared or changed in Redis since {@code before}; keys may have expired (other tests' short TTLs). */
    protected void assertUnchanged(Map<String, String> before) {
        Map<String, String> after = RedisContents.snapshot(redis);
        org.assertj.core.api.Assertions.assertThat(after.keySet()).isSubsetOf(before.keySet());
        after.forEach((key, value) -> org.assertj.core.api.Assertions.assertThat(value).as(key).isEqualTo(before.get(key)));
    }

    /** The Redis key of a verification. */
    protected static String verificationKey(String id) {
        return Keys.verification(new VerificationId(id));
    }

    /**
     * Moves a verification's resend cooldown into the past, as if it had been waited out: the next
     * resend's cooldown is still counted from the Redis clock, doubling as usual.
     */
    protected void cooldownOver(String id) {
        redis.hash(String.class).hset(verificationKey(id), Fields.NEXT_RESEND_AT, "0");
    }

    /** Ends a verification's TTL now, as Redis would at its expiry: the verification and its live pointer go. */
    protected void expireNow(String id) {
        String key = verificationKey(id);
        Map<String, String> fields = redis.hash(String.class).hgetall(key);
        redis.key().pexpire(Keys.livePointer(fields.get(Fields.RECIPIENT_HASH), fields.get(Fields.PURPOSE)), 1);
        redis.key().pexpire(key, 1);
    }

    /** Runs n calls released together; counts the answers by status. */
    protected static Map<Integer, Long> race(int n, Function<Integer, Callable<Integer>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Integer> c = call.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    return c.call();
                }));
            }
            gate.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get());
            }
            return results.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        } finally {
            pool.shutdownNow();
        }
    }
}
