package io.otpservice.verification;

import io.otpservice.support.OnRedisCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RaceTest} on Redis Cluster: limits stay exact under concurrency, and an approval happens once. */
@QuarkusTest
@TestProfile(OnRedisCluster.class)
class RaceOnClusterTest extends RaceTest {
}
