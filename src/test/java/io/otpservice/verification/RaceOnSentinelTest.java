package io.otpservice.verification;

import io.otpservice.support.OnRedisSentinel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

/** {@link RaceTest} on Redis Sentinel: limits stay exact under concurrency, and an approval happens once. */
@QuarkusTest
@Tag("topologies") // with the failovers, in a step of their own: ./mvnw test -Ptopologies
@TestProfile(OnRedisSentinel.class)
class RaceOnSentinelTest extends RaceTest {
}
