package io.otpservice.verification;

import io.otpservice.support.OnRedisSentinel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RaceTest} on Redis Sentinel: limits stay exact under concurrency, and an approval happens once. */
@QuarkusTest
@TestProfile(OnRedisSentinel.class)
class RaceOnSentinelTest extends RaceTest {
}
