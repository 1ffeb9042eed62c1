package io.otpservice.verification;

import io.otpservice.support.OnRedisSentinel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link LifecycleTest} on Redis Sentinel: the same scripts and answers. */
@QuarkusTest
@TestProfile(OnRedisSentinel.class)
class LifecycleOnSentinelTest extends LifecycleTest {
}
