package io.otpservice.verification;

import io.otpservice.support.OnRedisCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

/** {@link RaceTest} on Redis Cluster: limits stay exact under concurrency, and an approval happens once. */
@QuarkusTest
@Tag("topologies") // with the failovers, in a step of their own: ./mvnw test -Ptopologies
@TestProfile(OnRedisCluster.class)
class RaceOnClusterTest extends RaceTest {
}
