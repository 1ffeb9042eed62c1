package io.otpservice.verification;

import io.otpservice.support.OnRedisCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link LifecycleTest} on Redis Cluster: the same scripts and answers. */
@QuarkusTest
@TestProfile(OnRedisCluster.class)
class LifecycleOnClusterTest extends LifecycleTest {
}
