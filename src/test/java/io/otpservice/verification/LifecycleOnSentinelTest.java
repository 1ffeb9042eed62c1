package io.otpservice.verification;

import io.otpservice.support.OnRedisSentinel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

/** {@link LifecycleTest} on Redis Sentinel: the same scripts and answers. */
@QuarkusTest
@Tag("topologies") // with the failovers, in a step of their own: ./mvnw test -Ptopologies
@TestProfile(OnRedisSentinel.class)
class LifecycleOnSentinelTest extends LifecycleTest {
}
