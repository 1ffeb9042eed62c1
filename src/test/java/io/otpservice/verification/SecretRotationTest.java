package io.otpservice.verification;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.code.RecipientCipher;
import io.otpservice.recipient.Channel;
import io.otpservice.store.IdempotencyStore;
import io.otpservice.store.Keys;
import io.otpservice.store.ScriptResults;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationId;
import io.otpservice.store.VerificationStore;
import io.otpservice.store.VerificationStore.NewVerification;
import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * A rotation of {@code otp.hmac-secrets} in progress: the service runs with a new secret first and the
 * suite's usual one after it. What a replica still on the old list wrote (verifications, live pointers,
 * windows, idempotency records, all named with the old secret) is written here through the store with a
 * hasher of the old list, and the API of the rotated service must treat it as its own.
 */
@QuarkusTest
@TestProfile(SecretRotationTest.Rotated.class)
class SecretRotationTest extends ApiTest {

    static final String OLD = "dGVzdC1vbmx5LWhtYWMtc2VjcmV0LW5vdC1mb3ItcHJvZHVjdGlvbg==";
    static final String NEW = base64("rotation-test: the new secret, first in the list");
    /** A secret the rotated service no longer has. */
    static final String GONE = base64("rotation-test: a secret taken out of the list");
    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final String SERVICE = "VA0123456789abcdef0123456789abcdef";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("otp.hmac-secrets", NEW + "," + OLD);
        }
    }

    @Inject
    VerificationStore store;
    @Inject
    IdempotencyStore idempotency;
    @Inject
    CodeGenerator random;
    /** The rotated service's own. */
    @Inject
    Hasher hasher;

    private final Hasher before = new Hasher(List.of(Base64.getDecoder().decode(OLD)));

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A verification created by a replica whose secrets were {@code hasher}'s, code 123456. */
    private StoredVerification createdUnder(Hasher hasher, String to, String session) {
        String rh = hasher.recipientHash(to);
        VerificationId id = VerificationId.of(Keys.tag(rh), random.hex(14));
        NewVerification v = new NewVerification(id, rh, new RecipientCipher(hasher, random).encrypt(to),
                "u•••@example.com", Channel.EMAIL, "default", "en", session == null ? null : hasher.sessionHash(session),
                "", false, Duration.ofMinutes(10), 6, 5, 5, Duration.ofMinutes(10), hasher.codeHash(id.value(), "123456"));
        ScriptResults.CreateResult result = store.create(v, hasher.opaque("client", newClientIp()), random.hex(8))
                .await().indefinitely();
        assertThat(result).isInstanceOf(ScriptResults.Created.class);
        return ((ScriptResults.Created) result).verification();
    }

    /** {@code count} entries at the Redis clock's now in the log {@code key}, as the scripts write them. */
    private void fill(String key, int count) {
        long now = redis.execute("TIME").get(0).toLong() * 1000;
        for (int i = 0; i < count; i++) {
            redis.sortedSet(String.class).zadd(key, now - i, "VEbefore" + i + ":1");
        }
    }

    @Test
    void aCheckByRecipientFindsTheVerificationFromBeforeTheRotation() {
        String to = newEmail();
        createdUnder(before, to, null);

        api().body(Map.of("to", to, "code", "123456")).post("/v1/verification-checks")
                .then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void theLiveVerificationFromBeforeTheRotationIsStillTheLiveOne() {
        String to = newEmail();
        StoredVerification old = createdUnder(before, to, "tab-1");

        // the same session: a page refresh answers it, sending nothing
        create(Map.of("to", to, "session", "tab-1")).then().statusCode(200).body("id", equalTo(old.id().value()));
        assertThat(mailCount(to)).isZero();

        // another session replaces it: one live verification per recipient and purpose
        String replacing = create(Map.of("to", to, "session", "tab-2")).then().statusCode(201)
                .body("id", not(equalTo(old.id().value()))).extract().path("id");
        api().get("/v1/verifications/" + old.id().value()).then().statusCode(200).body("status", equalTo("canceled"));
        api().body(Map.of("to", to, "code", codesSentTo(to, 1).getFirst(), "session", "tab-2"))
                .post("/v1/verification-checks").then().statusCode(200).body("id", equalTo(replacing));
    }

    @Test
    void theLimitsCountWhatHappenedBeforeTheRotation() {
        String sent = newEmail();
        fill(Keys.recipientSends(before.recipientHash(sent)), 5);
        create(Map.of("to", sent)).then().statusCode(429).body("limit", equalTo("recipient-sends"));

        String guessed = newEmail();
        fill(Keys.recipientFailures(before.recipientHash(guessed)), 20);
        create(Map.of("to", guessed)).then().statusCode(429).body("limit", equalTo("recipient-failures"));

        String client = newClientIp();
        fill(Keys.clientCreates(before.opaque("client", client)), 30);
        create(Map.of("to", newEmail(), "clientIp", client)).then().statusCode(429).body("limit", equalTo("client-creates"));
        assertThat(redis.key().exists(Keys.recipientSends(before.recipientHash(sent)))).isTrue();
    }

    @Test
    void anIdempotencyKeyUsedBeforeTheRotationReplaysItsFirstAnswer() {
        String to = newEmail();
        String client = newClientIp();
        StoredVerification first = createdUnder(before, to, null);
        String key = "rotation-" + to;
        idempotency.complete(before.opaque("idempotency", KEY_NAME + "\n" + key),
                before.opaque("fingerprint", IdempotentCreates.fingerprinted(to, "email", "default", "en", null, client)),
                true, first, Duration.ofHours(1)).await().indefinitely();

        api().header("Idempotency-Key", key).body(Map.of("to", to, "locale", "en", "clientIp", client))
                .post("/v1/verifications").then().statusCode(201).body("id", equalTo(first.id().value()));
        assertThat(mailCount(to)).isZero();
        // the same key for another request is still a conflict
        api().header("Idempotency-Key", key).body(Map.of("to", newEmail(), "locale", "en", "clientIp", client))
                .post("/v1/verifications").then().statusCode(409);
    }

    /** The name the suite's API key has in the configuration ({@code otp.api-keys.test}). */
    private static final String KEY_NAME = "test";

    @Test
    void theTwilioCheckBySidAndToAcceptsAVerificationFromBeforeTheRotation() {
        String to = newEmail();
        StoredVerification old = createdUnder(before, to, null);

        given().auth().preemptive().basic(ACCOUNT, KEY).contentType("application/x-www-form-urlencoded")
                .formParam("VerificationSid", old.id().value()).formParam("To", to).formParam("Code", "123456")
                .post("/v2/Services/" + SERVICE + "/VerificationCheck")
                .then().statusCode(200).body("status", equalTo("approved")).body("valid", equalTo(true));
    }

    @Test
    void aVerificationSealedUnderASecretNoLongerConfiguredIsNeverA500() {
        String to = newEmail();
        StoredVerification gone = createdUnder(new Hasher(List.of(Base64.getDecoder().decode(GONE))), to, null);
        String sid = gone.id().value();

        resend(sid).then().statusCode(404).body("code", equalTo("not-found"));
        assertThat(mailCount(to)).isZero();
        var twilio = given().auth().preemptive().basic(ACCOUNT, KEY).contentType("application/x-www-form-urlencoded");
        twilio.get("/v2/Services/" + SERVICE + "/Verifications/" + sid)
                .then().statusCode(200).body("to", equalTo("u•••@example.com"));
        given().auth().preemptive().basic(ACCOUNT, KEY).contentType("application/x-www-form-urlencoded")
                .formParam("Status", "canceled").post("/v2/Services/" + SERVICE + "/Verifications/" + sid)
                .then().statusCode(200).body("status", equalTo("canceled"));

        // resent after the rotation (its code under the new secret), its recipient still sealed under the gone
        // one: the right code cannot get a token that names the recipient
        String other = newEmail();
        Hasher goneHasher = new Hasher(List.of(Base64.getDecoder().decode(GONE)));
        Hasher now = new Hasher(List.of(Base64.getDecoder().decode(NEW)));
        String rh = goneHasher.recipientHash(other);
        VerificationId id = VerificationId.of(Keys.tag(rh), random.hex(14));
        store.create(new NewVerification(id, rh, new RecipientCipher(goneHasher, random).encrypt(other), "u•••@example.com",
                Channel.EMAIL, "default", "en", null, "", false, Duration.ofMinutes(10), 6, 5, 5, Duration.ofMinutes(10),
                now.codeHash(id.value(), "123456")), now.opaque("client", newClientIp()), random.hex(8))
                .await().indefinitely();
        check(id.value(), "123456").then().statusCode(404).body("code", equalTo("not-found"));
    }

    @Test
    void aCreateRefusedByItsLimitsLeavesTheOlderLiveVerificationAlone() {
        String to = newEmail();
        StoredVerification old = createdUnder(before, to, "tab-1");
        String client = newClientIp();
        fill(Keys.clientCreates(hasher.opaque("client", client)), 30);

        create(Map.of("to", to, "session", "tab-2", "clientIp", client)).then().statusCode(429)
                .body("limit", equalTo("client-creates"));
        api().get("/v1/verifications/" + old.id().value()).then().statusCode(200).body("status", equalTo("pending"));
    }
}
