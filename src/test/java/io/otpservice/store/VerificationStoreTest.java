package io.otpservice.store;

import io.otpservice.code.CodeGenerator;
import io.otpservice.code.Hasher;
import io.otpservice.ratelimit.Limit;
import io.otpservice.recipient.Channel;
import io.otpservice.store.ScriptResults.*;
import io.otpservice.store.StoredVerification.DeliveryStatus;
import io.otpservice.store.StoredVerification.Status;
import io.otpservice.store.VerificationStore.NewVerification;
import io.otpservice.support.ApiTest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each Lua script's answers, driven directly on the real Redis of the suite, without HTTP: what the
 * lifecycle above relies on. Limits come from the test profile (5 sends per 15 min, 20 failures per
 * 24 h, 30 creates per client and hour; 1 s cooldown).
 */
@QuarkusTest
class VerificationStoreTest extends ApiTest {

    @Inject
    VerificationStore store;
    @Inject
    IdempotencyStore idempotency;
    @Inject
    Hasher hasher;
    @Inject
    CodeGenerator random;

    /** A fresh recipient's hash and a new verification for it. */
    private NewVerification fresh(String rh, String session, String code, int maxSends, boolean test) {
        VerificationId id = VerificationId.of(Keys.tag(rh), random.hex(14));
        return new NewVerification(id, rh, "sealed", "a•••e@example.com", Channel.EMAIL, "default", "en",
                session == null ? null : hasher.sessionHash(session), "", test, Duration.ofMinutes(10), 6, 5, maxSends,
                Duration.ofSeconds(1), hasher.codeHash(id.value(), code));
    }

    private NewVerification fresh(String session, String code) {
        return fresh(hasher.recipientHash(newEmail()), session, code, 5, false);
    }

    private CreateResult create(NewVerification v) {
        return store.create(v, hasher.opaque("client", newClientIp()), random.hex(8)).await().indefinitely();
    }

    private StoredVerification created(NewVerification v) {
        return ((ScriptResults.Created) create(v)).verification();
    }

    private CheckResult check(VerificationId id, String code, String session) {
        return store.check(id, session == null ? List.of() : hasher.sessionHashCandidates(session),
                hasher.codeHashCandidates(id.value(), code)).await().indefinitely();
    }

    private ResendResult resend(VerificationId id, String code) {
        return store.resend(id, hasher.codeHash(id.value(), code)).await().indefinitely();
    }

    /**
     * Moves the cooldown of a verification into the past, as if it had been waited out, and its last send
     * handed to a provider (no resend starts while a send is in flight).
     */
    private void cooldownOver(VerificationId id) {
        redis.hash(String.class).hset(Keys.verification(id), Map.of(Fields.NEXT_RESEND_AT, "0",
                Fields.DELIVERY_STATUS, "sent"));
    }

    @Test
    void createWritesAPendingVerificationAndItsLivePointer() {
        NewVerification v = fresh("s", "123456");
        StoredVerification stored = created(v);
        assertThat(stored.status()).isEqualTo(Status.PENDING);
        assertThat(stored.delivery().status()).isEqualTo(DeliveryStatus.QUEUED);
        assertThat(store.find(v.id()).await().indefinitely()).contains(stored);
        assertThat(store.liveId(v.recipientHash(), "default").await().indefinitely()).contains(v.id());
        assertThat(redis.key().pttl(Keys.verification(v.id()))).isBetween(590_000L, 600_000L);
    }

    @Test
    void aSecondCreateOfTheSameSessionFindsTheLiveOneThenAsksForAResendOnceTheCooldownIsOver() {
        NewVerification first = fresh("s", "123456");
        created(first);
        NewVerification again = fresh(first.recipientHash(), "s", "654321", 5, false);
        assertThat(create(again)).isInstanceOfSatisfying(Existing.class,
                e -> assertThat(e.verification().id()).isEqualTo(first.id()));
        cooldownOver(first.id());
        assertThat(create(again)).isEqualTo(new ResendExisting(first.id()));
    }

    @Test
    void aCreateWithAnotherSessionCancelsTheLiveOne() {
        NewVerification first = fresh("tab-1", "123456");
        created(first);
        NewVerification second = fresh(first.recipientHash(), "tab-2", "654321", 5, false);
        assertThat(create(second)).isInstanceOf(ScriptResults.Created.class);
        assertThat(store.find(first.id()).await().indefinitely().orElseThrow().status()).isEqualTo(Status.CANCELED);
        assertThat(redis.hash(String.class).hget(Keys.verification(first.id()), Fields.CODE_HASH)).isNull();
    }

    @Test
    void theSixthSendToARecipientIsLimited() {
        String rh = hasher.recipientHash(newEmail());
        for (int i = 0; i < 5; i++) {
            assertThat(create(fresh(rh, "s" + i, "123456", 5, false))).isInstanceOf(ScriptResults.Created.class);
        }
        assertThat(create(fresh(rh, "s5", "123456", 5, false))).isInstanceOfSatisfying(Limited.class, l -> {
            assertThat(l.limit()).isEqualTo(Limit.RECIPIENT_SENDS);
            assertThat(l.retryIn()).isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
        });
        // a test recipient skips the send windows
        assertThat(create(fresh(rh, "s6", "123456", 5, true))).isInstanceOf(ScriptResults.Created.class);
    }

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void theThirtyFirstCreateFromOneClientIsLimitedOnBothPaths(boolean oneCall) {
        String client = hasher.opaque("client", newClientIp());
        for (int i = 0; i < 30; i++) {
            assertThat(store.create(fresh(null, "123456"), client, random.hex(8), oneCall).await().indefinitely())
                    .isInstanceOf(ScriptResults.Created.class);
        }
        assertThat(store.create(fresh(null, "123456"), client, random.hex(8), oneCall).await().indefinitely())
                .isInstanceOfSatisfying(Limited.class, l -> {
                    assertThat(l.limit()).isEqualTo(Limit.CLIENT_CREATES);
                    assertThat(l.retryIn()).isBetween(Duration.ofSeconds(3589), Duration.ofSeconds(3600));
                });
        // another client is not affected
        assertThat(store.create(fresh(null, "123456"), hasher.opaque("client", newClientIp()), random.hex(8), oneCall)
                .await().indefinitely()).isInstanceOf(ScriptResults.Created.class);
    }

    @Test
    void aRightCodeApprovesOnceAndEndsTheVerification() {
        NewVerification v = fresh("s", "123456");
        created(v);
        assertThat(check(v.id(), "123456", "s")).isInstanceOfSatisfying(Approved.class,
                a -> assertThat(a.verification().status()).isEqualTo(Status.APPROVED));
        assertThat(check(v.id(), "123456", "s")).isInstanceOf(NotFound.class);
        assertThat(redis.hash(String.class).hget(Keys.verification(v.id()), Fields.CODE_HASH)).isNull();
    }

    @Test
    void wrongCodesAndWrongSessionsCountUntilTheVerificationFails() {
        NewVerification v = fresh("s", "123456");
        created(v);
        assertThat(check(v.id(), "123456", "other")).isEqualTo(new Incorrect(4, Channel.EMAIL, "default"));
        assertThat(check(v.id(), "123456", null)).isEqualTo(new Incorrect(3, Channel.EMAIL, "default"));
        for (int left = 2; left >= 0; left--) {
            assertThat(check(v.id(), "000000", "s")).isEqualTo(new Incorrect(left, Channel.EMAIL, "default"));
        }
        assertThat(check(v.id(), "123456", "s")).isInstanceOfSatisfying(TooManyAttempts.class,
                t -> assertThat(t.retryIn()).isPositive());
        assertThat(store.find(v.id()).await().indefinitely().orElseThrow().status()).isEqualTo(Status.FAILED);
    }

    @Test
    void twentyFailedChecksOfARecipientLimitItsFurtherChecksAndCreates() {
        String rh = hasher.recipientHash(newEmail());
        for (int i = 0; i < 4; i++) {
            NewVerification v = fresh(rh, "s" + i, "123456", 5, true);
            created(v);
            for (int j = 0; j < 5; j++) {
                assertThat(check(v.id(), "000000", "s" + i)).isInstanceOf(Incorrect.class);
            }
        }
        NewVerification last = fresh(rh, "s9", "123456", 5, true);
        assertThat(create(last)).isInstanceOfSatisfying(Limited.class,
                l -> assertThat(l.limit()).isEqualTo(Limit.RECIPIENT_FAILURES));
    }

    @Test
    void resendDrawsANewCodeKeepsThePreviousOneAndHonoursTheCooldown() {
        NewVerification v = fresh(null, "111111");
        created(v);
        assertThat(resend(v.id(), "222222")).isInstanceOfSatisfying(ResendTooSoon.class,
                r -> assertThat(r.retryIn()).isBetween(Duration.ZERO, Duration.ofSeconds(1)));
        cooldownOver(v.id());
        assertThat(resend(v.id(), "111111")).isEqualTo(new SameCode());
        assertThat(resend(v.id(), "222222")).isInstanceOfSatisfying(Resent.class, r -> {
            assertThat(r.verification().sends()).isEqualTo(2);
            // the cooldown doubles: 2 s after the second send
            assertThat(Duration.between(r.verification().createdAt(), r.verification().nextResendAt()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        });
        cooldownOver(v.id());
        assertThat(resend(v.id(), "333333")).isInstanceOf(Resent.class);
        // two codes are valid: the newest and the one before; the first is not
        assertThat(check(v.id(), "111111", null)).isInstanceOf(Incorrect.class);
        assertThat(check(v.id(), "222222", null)).isInstanceOf(Approved.class);
    }

    @Test
    void resendsStopAtMaxSends() {
        NewVerification v = fresh(hasher.recipientHash(newEmail()), null, "111111", 2, false);
        created(v);
        cooldownOver(v.id());
        assertThat(resend(v.id(), "222222")).isInstanceOf(Resent.class);
        cooldownOver(v.id());
        assertThat(resend(v.id(), "333333")).isInstanceOfSatisfying(Limited.class,
                l -> assertThat(l.limit()).isEqualTo(Limit.VERIFICATION_SENDS));
    }

    @Test
    void cancelEndsAPendingVerificationOnce() {
        NewVerification v = fresh(null, "111111");
        created(v);
        assertThat(store.cancel(v.id()).await().indefinitely()).isEqualTo(new Canceled());
        assertThat(store.cancel(v.id()).await().indefinitely()).isEqualTo(new NotFound());
        assertThat(resend(v.id(), "222222")).isEqualTo(new NotFound());
        assertThat(check(v.id(), "111111", null)).isEqualTo(new NotFound());
    }

    @Test
    void aPastExpiryIsNotFoundEverywhere() {
        NewVerification v = fresh(null, "111111");
        created(v);
        redis.hash(String.class).hset(Keys.verification(v.id()), Fields.EXPIRES_AT, "1");
        assertThat(store.find(v.id()).await().indefinitely()).isEmpty();
        assertThat(check(v.id(), "111111", null)).isEqualTo(new NotFound());
        assertThat(resend(v.id(), "222222")).isEqualTo(new NotFound());
        assertThat(store.cancel(v.id()).await().indefinitely()).isEqualTo(new NotFound());
    }

    @Test
    void deliveryStateOnlyMovesForwardAndOnlyForTheCurrentSend() {
        NewVerification v = fresh(null, "111111");
        created(v);
        assertThat(record(v.id(), 1, DeliveryStatus.SENT)).isTrue();
        assertThat(record(v.id(), 1, DeliveryStatus.DELIVERED)).isTrue();
        assertThat(record(v.id(), 1, DeliveryStatus.FAILED)).isFalse();
        assertThat(record(v.id(), 2, DeliveryStatus.FAILED)).isFalse();
        assertThat(store.find(v.id()).await().indefinitely().orElseThrow().delivery().status())
                .isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void unsendOfAFirstSendCancelsAndForgetsTheLivePointer() {
        NewVerification v = fresh(null, "111111");
        created(v);
        unsend(v.id(), 1);
        assertThat(store.find(v.id()).await().indefinitely().orElseThrow().status()).isEqualTo(Status.CANCELED);
        assertThat(store.liveId(v.recipientHash(), "default").await().indefinitely()).isEmpty();
        assertThat(redis.sortedSet(String.class).zcard(Keys.recipientSends(v.recipientHash()))).isZero();
    }

    /** A resend no provider took, or none was tried for (FORGET: the verification is kept all the same). */
    @ParameterizedTest
    @EnumSource(value = VerificationStore.Unsend.class, names = {"UNCOUNTED", "FORGET"})
    void unsendOfAResendBringsBackThePreviousCodes(VerificationStore.Unsend how) {
        NewVerification v = fresh(null, "111111");
        created(v);
        cooldownOver(v.id());
        assertThat(resend(v.id(), "222222")).isInstanceOf(Resent.class);
        unsend(v.id(), 2, how);
        StoredVerification after = store.find(v.id()).await().indefinitely().orElseThrow();
        assertThat(after.sends()).isEqualTo(1);
        assertThat(after.status()).isEqualTo(Status.PENDING);
        assertThat(check(v.id(), "222222", null)).isInstanceOf(Incorrect.class);
        assertThat(check(v.id(), "111111", null)).isInstanceOf(Approved.class);
    }

    /** A send that may have arrived (a provider timed out) stays counted; a first one still cancels. */
    @Test
    void aCountedUnsendOfAFirstSendCancelsButKeepsTheSendCounted() {
        NewVerification v = fresh(null, "111111");
        created(v);
        unsend(v.id(), 1, VerificationStore.Unsend.COUNTED);
        assertThat(find(v.id()).status()).isEqualTo(Status.CANCELED);
        assertThat(store.liveId(v.recipientHash(), "default").await().indefinitely()).isEmpty();
        assertThat(redis.sortedSet(String.class).zcard(Keys.recipientSends(v.recipientHash()))).isEqualTo(1);
    }

    /** A resend that may have arrived stands as if it went out: both codes valid, its sends and cooldown kept. */
    @Test
    void aCountedUnsendOfAResendKeepsItsCodeBesideThePreviousOne() {
        NewVerification v = fresh(null, "111111");
        created(v);
        cooldownOver(v.id());
        StoredVerification resent = ((Resent) resend(v.id(), "222222")).verification();
        unsend(v.id(), 2, VerificationStore.Unsend.COUNTED);
        StoredVerification after = find(v.id());
        assertThat(after.status()).isEqualTo(Status.PENDING);
        assertThat(after.sends()).isEqualTo(2);
        assertThat(after.nextResendAt()).isEqualTo(resent.nextResendAt());
        assertThat(after.delivery().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(redis.sortedSet(String.class).zcard(Keys.recipientSends(v.recipientHash()))).isEqualTo(2);
        assertThat(check(v.id(), "222222", null)).isInstanceOf(Approved.class);
    }

    /** No provider tried: a first send's verification is deleted with its live pointer, nothing counted. */
    @Test
    void aForgottenFirstSendLeavesNothing() {
        NewVerification v = fresh(null, "111111");
        created(v);
        unsend(v.id(), 1, VerificationStore.Unsend.FORGET);
        assertThat(redis.key().exists(Keys.verification(v.id()))).isFalse();
        assertThat(store.liveId(v.recipientHash(), "default").await().indefinitely()).isEmpty();
        assertThat(redis.sortedSet(String.class).zcard(Keys.recipientSends(v.recipientHash()))).isZero();
    }

    /** A verification that ended meanwhile is not deleted by a forgotten send, nor its pointer's successor's. */
    @Test
    void aForgottenSendOfAVerificationThatEndedDeletesNothing() {
        NewVerification v = fresh(null, "111111");
        created(v);
        store.cancel(v.id()).await().indefinitely();
        unsend(v.id(), 1, VerificationStore.Unsend.FORGET);
        assertThat(find(v.id()).status()).isEqualTo(Status.CANCELED);
    }

    @Test
    void everyChangeMovesUpdatedAtAndEachCountedSendKeepsItsTime() {
        NewVerification v = fresh(null, "111111");
        StoredVerification first = created(v);
        assertThat(first.updatedAt()).isEqualTo(first.createdAt());
        assertThat(first.sendTimes()).containsExactly(first.createdAt());

        cooldownOver(v.id());
        StoredVerification resent = ((Resent) resend(v.id(), "222222")).verification();
        assertThat(resent.sendTimes()).hasSize(2).startsWith(first.createdAt());
        // a resend's time is kept to the second after the create
        assertThat(resent.sendTimes().get(1)).isBetween(resent.updatedAt().minusSeconds(1), resent.updatedAt());
        assertThat(resent.updatedAt()).isAfterOrEqualTo(first.createdAt());

        unsend(v.id(), 2); // a send no provider took is not listed
        assertThat(find(v.id()).sendTimes()).containsExactly(first.createdAt());

        for (Runnable change : List.<Runnable>of(() -> check(v.id(), "000000", null),
                () -> store.cancel(v.id()).await().indefinitely())) {
            redis.hash(String.class).hset(Keys.verification(v.id()), Fields.UPDATED_AT, "1");
            change.run();
            assertThat(find(v.id()).updatedAt()).isAfter(first.createdAt().minusSeconds(1));
        }
        assertThat(find(v.id()).status()).isEqualTo(Status.CANCELED);
    }

    @Test
    void aVerificationWrittenBeforeTheTimesExistedReadsAsChangedAndSentWhenCreated() {
        NewVerification v = fresh(null, "111111");
        StoredVerification stored = created(v);
        redis.hash(String.class).hdel(Keys.verification(v.id()), Fields.UPDATED_AT, Fields.SEND_TIMES);
        StoredVerification old = find(v.id());
        assertThat(old.updatedAt()).isEqualTo(stored.createdAt());
        assertThat(old.sendTimes()).containsExactly(stored.createdAt());
        cooldownOver(v.id());
        assertThat(((Resent) resend(v.id(), "222222")).verification().sendTimes()).hasSize(2)
                .startsWith(stored.createdAt());
    }

    @Test
    void tenSendsAtTheEndOfADayStillFitTheCompactHashEncoding() {
        // any value over hash-max-listpack-value (64 bytes) turns a hash into a table of about twice the memory
        NewVerification v = fresh(hasher.recipientHash(newEmail()), null, "111111", 10, true);
        created(v);
        String key = Keys.verification(v.id());
        long dayAgo = Long.parseLong(redis.hash(String.class).hget(key, Fields.CREATED_AT)) - 86_399_000L;
        redis.hash(String.class).hset(key, Fields.CREATED_AT, Long.toString(dayAgo));
        for (int send = 2; send <= 10; send++) {
            cooldownOver(v.id());
            assertThat(resend(v.id(), "222222")).isInstanceOf(Resent.class);
        }
        assertThat(find(v.id()).sendTimes()).hasSize(10);
        assertThat(redis.hash(String.class).hget(key, Fields.SEND_TIMES)).hasSizeLessThanOrEqualTo(64);
        // the compact encoding is called listpack from Redis 7 on, ziplist before (the embedded 6.2 binary)
        assertThat(redis.execute("OBJECT", "ENCODING", key).toString()).isIn("listpack", "ziplist");
    }

    private StoredVerification find(VerificationId id) {
        return store.find(id).await().indefinitely().orElseThrow();
    }

    @Test
    void limitCountsEventsInItsWindows() {
        String key = Keys.clientCreates(hasher.opaque("client", newClientIp()));
        var windows = io.otpservice.ratelimit.Window.parseList("2/1h");
        assertThat(store.countEvent(key, windows, "a").await().indefinitely()).isZero();
        assertThat(store.countEvent(key, windows, "b").await().indefinitely()).isZero();
        assertThat(store.countEvent(key, windows, "c").await().indefinitely())
                .isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    }

    @Test
    void anIdempotencyKeyIsClaimedThenReplayedAndRefusedForAnotherRequest() {
        String key = hasher.opaque("idempotency", newEmail());
        Duration ttl = Duration.ofMinutes(1);
        assertThat(idempotency.claim(key, "fp", "t1", ttl).await().indefinitely()).isEqualTo(new IdempotencyStore.Claimed());
        assertThat(idempotency.claim(key, "fp", "t2", ttl).await().indefinitely()).isEqualTo(new IdempotencyStore.InProgress());
        // only the claiming request's release frees the key
        idempotency.release(key, "fp", "t2").await().indefinitely();
        assertThat(idempotency.claim(key, "fp", "t3", ttl).await().indefinitely()).isEqualTo(new IdempotencyStore.InProgress());
        idempotency.release(key, "fp", "t1").await().indefinitely();
        assertThat(idempotency.claim(key, "fp", "t4", ttl).await().indefinitely()).isEqualTo(new IdempotencyStore.Claimed());
        NewVerification v = fresh(null, "111111");
        StoredVerification stored = created(v);
        idempotency.complete(key, "fp", true, stored, ttl).await().indefinitely();
        assertThat(idempotency.claim(key, "fp", "t5", ttl).await().indefinitely())
                .isEqualTo(new IdempotencyStore.Replay(true, stored));
        assertThat(idempotency.claim(key, "other", "t6", ttl).await().indefinitely()).isEqualTo(new IdempotencyStore.Mismatch());
        // a late release of the claim that completed leaves the answer in place
        idempotency.release(key, "fp", "t4").await().indefinitely();
        assertThat(idempotency.claim(key, "fp", "t7", ttl).await().indefinitely())
                .isEqualTo(new IdempotencyStore.Replay(true, stored));
    }

    private boolean record(VerificationId id, int send, DeliveryStatus status) {
        return store.recordDelivery(id, send, new StoredVerification.Delivery(status, null, 0, null)).await().indefinitely();
    }

    private void unsend(VerificationId id, int send) {
        unsend(id, send, VerificationStore.Unsend.UNCOUNTED);
    }

    private void unsend(VerificationId id, int send, VerificationStore.Unsend how) {
        store.unsend(id, send, new StoredVerification.Delivery(DeliveryStatus.FAILED, "smtp", 3, "smtp: HTTP 500"), how)
                .await().indefinitely();
    }

}
