package io.otpservice.verification;

import io.otpservice.support.OnRedisCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

/** {@link LifecycleTest} on Redis Cluster: the same scripts and answers. */
@QuarkusTest
@Tag("topologies") // with the failovers, in a step of their own: ./mvnw test -Ptopologies
@TestProfile(OnRedisCluster.class)
class LifecycleOnClusterTest extends LifecycleTest {
}
