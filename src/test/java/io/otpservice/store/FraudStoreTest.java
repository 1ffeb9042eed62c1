package io.otpservice.store;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limit;
import io.otpservice.recipient.Channel;
import io.otpservice.store.ScriptResults.*;
import io.otpservice.store.VerificationStore.NewVerification;
import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The abuse-protection rules in the create and resend scripts, on both paths: one script call (a
 * single Redis) and a call per slot (Redis Cluster, {@code oneCall=false}). The answers and what is
 * counted must be the same. Limits from the test profile: min 50 sends, 10 %, 1 h; FR 30 sends an
 * hour; the key 'tenant' 20 creates an hour; 5 sends per recipient per 15 min.
 */
@QuarkusTest
class FraudStoreTest extends ApiTest {

    private static final int MIN_SENDS = 50;

    @Inject
    VerificationStore store;
    @Inject
    FraudStore fraud;
    @Inject
    Hasher hasher;
    @Inject
    CodeGenerator random;

    /** A number prefix no other test (and no other run of this one) uses: the keys are all the store sees. */
    private static String prefix() {
        return "+999" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    private NewVerification sms(String rh, String session) {
        VerificationId id = VerificationId.of(Keys.tag(rh), random.hex(14));
        return new NewVerification(id, rh, "sealed", "+44•••••••0123", Channel.SMS, "default", "en",
                session == null ? null : hasher.sessionHash(session), "GB", false, Duration.ofMinutes(10), 6, 5, 5,
                Duration.ofSeconds(1), hasher.codeHash(id.value(), "123456"));
    }

    private NewVerification sms() {
        return sms(hasher.recipientHash(newEmail()), null);
    }

    private CreateResult create(NewVerification v, Guards guards, boolean oneCall) {
        return create(v, newClientIp(), guards, oneCall);
    }

    private CreateResult create(NewVerification v, String clientIp, Guards guards, boolean oneCall) {
        return store.create(v, hasher.opaque("client", clientIp), random.hex(8), guards, oneCall).await().indefinitely();
    }

    private long count(String key) {
        return redis.sortedSet(String.class).zcard(key);
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void thePrefixGuardBlocksAfterExactlyMinSendsAndARefusedCreateMovesNothing(boolean oneCall) {
        String prefix = prefix();
        Guards guards = new Guards(prefix, "GB", null);
        for (int i = 0; i < MIN_SENDS; i++) {
            assertThat(create(sms(), guards, oneCall)).isInstanceOf(ScriptResults.Created.class);
        }
        String ip = newClientIp();
        NewVerification refused = sms();
        assertThat(create(refused, ip, guards, oneCall)).isInstanceOfSatisfying(PrefixBlocked.class, b -> {
            assertThat(b.started()).isTrue();
            assertThat(b.sends()).isEqualTo(MIN_SENDS);
            assertThat(b.approvals()).isZero();
            assertThat(b.retryIn()).isEqualTo(Duration.ofHours(1));
        });
        assertThat(redis.key().exists(Keys.verification(refused.id()))).isFalse();
        assertThat(redis.key().exists(Keys.livePointer(refused.recipientHash(), "default"))).isFalse();
        assertThat(redis.key().exists(Keys.clientCreates(hasher.opaque("client", ip)))).isFalse();
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(MIN_SENDS);
        assertThat(redis.hash(String.class).hgetall(Keys.prefixBlock(prefix)))
                .containsEntry(Fields.PREFIX, prefix).containsEntry(Fields.COUNTRY, "GB")
                .containsKeys(Fields.BLOCKED_AT, Fields.BLOCKED_UNTIL);

        assertThat(create(sms(), guards, oneCall)).isInstanceOfSatisfying(PrefixBlocked.class, b -> {
            assertThat(b.started()).isFalse();
            assertThat(b.retryIn()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        });
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void aCreateThatSendsNothingCountsNoSendForThePrefixOrTheCountry(boolean oneCall) {
        redis.key().del(Keys.countrySends("FR"));
        String prefix = prefix();
        Guards guards = new Guards(prefix, "FR", null);
        String rh = hasher.recipientHash(newEmail());
        for (int i = 0; i < 5; i++) {
            assertThat(create(sms(rh, "s" + i), guards, oneCall)).isInstanceOf(ScriptResults.Created.class);
        }
        // the recipient's own limit refuses the sixth; the same session finds the live one
        assertThat(create(sms(rh, "s5"), guards, oneCall)).isInstanceOfSatisfying(Limited.class,
                l -> assertThat(l.limit()).isEqualTo(Limit.RECIPIENT_SENDS));
        assertThat(create(sms(rh, "s4"), guards, oneCall)).isInstanceOf(Existing.class);
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(5);
        assertThat(count(Keys.countrySends("FR"))).isEqualTo(5);
        redis.key().del(Keys.countrySends("FR"));
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void aCountryBudgetRefusesTheSendOverItAndMovesNoOtherCounter(boolean oneCall) {
        redis.key().del(Keys.countrySends("FR"));
        String prefix = prefix();
        Guards guards = new Guards(prefix, "FR", null);
        for (int i = 0; i < 30; i++) {
            assertThat(create(sms(), guards, oneCall)).isInstanceOf(ScriptResults.Created.class);
        }
        String ip = newClientIp();
        assertThat(create(sms(), ip, guards, oneCall)).isInstanceOfSatisfying(Limited.class, l -> {
            assertThat(l.limit()).isEqualTo(Limit.COUNTRY_SENDS);
            assertThat(l.retryIn()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        });
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(30);
        assertThat(redis.key().exists(Keys.clientCreates(hasher.opaque("client", ip)))).isFalse();
        redis.key().del(Keys.countrySends("FR"));
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void anApiKeyBudgetCountsCreatesAndRefusesTheOneOverIt(boolean oneCall) {
        redis.key().del(Keys.apiKeyCreates("tenant"));
        Guards guards = new Guards(null, null, "tenant");
        for (int i = 0; i < 20; i++) {
            assertThat(create(sms(), guards, oneCall)).isInstanceOf(ScriptResults.Created.class);
        }
        String ip = newClientIp();
        assertThat(create(sms(), ip, guards, oneCall)).isInstanceOfSatisfying(Limited.class,
                l -> assertThat(l.limit()).isEqualTo(Limit.API_KEY_CREATES));
        assertThat(redis.key().exists(Keys.clientCreates(hasher.opaque("client", ip)))).isFalse();
        redis.key().del(Keys.apiKeyCreates("tenant"));
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void aResendIsASendForThePrefixAndIsRefusedWhileItIsBlocked(boolean oneCall) {
        String prefix = prefix();
        Guards guards = new Guards(prefix, "GB", null);
        NewVerification first = sms();
        assertThat(create(first, guards, oneCall)).isInstanceOfSatisfying(ScriptResults.Created.class,
                c -> assertThat(c.verification().prefix()).isEqualTo(prefix));
        cooldownOver(first);
        assertThat(resend(first, "222222", guards, 2, oneCall)).isInstanceOf(Resent.class);
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(2);
        assertThat(store.find(first.id()).await().indefinitely().orElseThrow().prefix()).isEqualTo(prefix);

        for (int i = 2; i < MIN_SENDS; i++) {
            assertThat(create(sms(), guards, oneCall)).isInstanceOf(ScriptResults.Created.class);
        }
        cooldownOver(first);
        assertThat(resend(first, "333333", guards, 3, oneCall)).isInstanceOfSatisfying(PrefixBlocked.class,
                b -> assertThat(b.started()).isTrue());
        assertThat(store.find(first.id()).await().indefinitely().orElseThrow().sends()).isEqualTo(2);
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(MIN_SENDS);
    }

    @Test
    void fiftyConcurrentCreatesOnTheClusterPathCrossMinSendsAtExactlyTheThreshold() {
        String prefix = prefix();
        Guards guards = new Guards(prefix, "GB", null);
        for (int i = 0; i < 30; i++) {
            assertThat(create(sms(), guards, false)).isInstanceOf(ScriptResults.Created.class);
        }
        List<Uni<CreateResult>> racing = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            racing.add(store.create(sms(), hasher.opaque("client", newClientIp()), random.hex(8), guards, false));
        }
        List<CreateResult> results = Uni.join().all(racing).andFailFast().await().indefinitely();

        Map<String, Long> answers = results.stream().collect(Collectors.groupingBy(
                r -> r.getClass().getSimpleName(), Collectors.counting()));
        assertThat(answers).containsEntry("Created", 20L).containsEntry("PrefixBlocked", 30L).hasSize(2);
        assertThat(results.stream().filter(r -> r instanceof PrefixBlocked b && b.started())).hasSize(1);
        assertThat(count(Keys.prefixSends(prefix))).isEqualTo(MIN_SENDS);
    }

    @Test
    void approvalsAreCountedAndLiftABlockOnlyOnceTheConversionIsBack() {
        String prefix = prefix();
        Guards guards = new Guards(prefix, "GB", null);
        List<VerificationId> ids = new ArrayList<>();
        for (int i = 0; i < MIN_SENDS; i++) {
            NewVerification v = sms();
            ids.add(v.id());
            create(v, guards, true);
        }
        assertThat(create(sms(), guards, true)).isInstanceOf(PrefixBlocked.class);
        fraud.indexBlock(prefix, java.time.Instant.now().plus(Duration.ofHours(1))).await().indefinitely();
        assertThat(fraud.blocks().await().indefinitely()).anySatisfy(b -> {
            assertThat(b.prefix()).isEqualTo(prefix);
            assertThat(b.sends()).isEqualTo(MIN_SENDS);
        });
        for (int i = 0; i < 4; i++) {
            assertThat(fraud.approved(prefix, ids.get(i)).await().indefinitely()).isEqualTo(new ApprovalCounted());
        }
        // the same verification twice is one approval
        assertThat(fraud.approved(prefix, ids.get(3)).await().indefinitely()).isEqualTo(new ApprovalCounted());
        assertThat(fraud.approved(prefix, ids.get(4)).await().indefinitely())
                .isEqualTo(new Recovered("GB", MIN_SENDS, 5));
        assertThat(redis.key().exists(Keys.prefixBlock(prefix))).isFalse();
        assertThat(fraud.blocks().await().indefinitely()).noneMatch(b -> b.prefix().equals(prefix));
        assertThat(redis.sortedSet(String.class).zscore(Keys.fraudBlocks(), prefix)).isEmpty();
        assertThat(create(sms(), guards, true)).isInstanceOf(ScriptResults.Created.class);
    }

    @Test
    void aSendTakenBackLeavesThePrefixAndTheCountry() {
        redis.key().del(Keys.countrySends("FR"));
        String prefix = prefix();
        Guards guards = new Guards(prefix, "FR", null);
        NewVerification v = sms();
        create(v, guards, true);
        fraud.takeBack(guards, v.id().value() + ":1").await().indefinitely();
        assertThat(count(Keys.prefixSends(prefix))).isZero();
        assertThat(count(Keys.countrySends("FR"))).isZero();
    }

    private ResendResult resend(NewVerification v, String code, Guards guards, int send, boolean oneCall) {
        return store.resend(v.id(), hasher.codeHash(v.id().value(), code), guards.sendsOnly(), send, oneCall)
                .await().indefinitely();
    }

    /** The cooldown waited out and the last send handed to a provider (no resend starts while one is in flight). */
    private void cooldownOver(NewVerification v) {
        redis.hash(String.class).hset(Keys.verification(v.id()), Map.of(Fields.NEXT_RESEND_AT, "0",
                Fields.DELIVERY_STATUS, "sent"));
    }
}
