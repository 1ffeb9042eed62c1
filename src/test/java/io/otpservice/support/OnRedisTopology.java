package io.otpservice.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** The suite's servers, with a Redis topology of real processes (a test resource) instead of a single Redis. */
abstract class OnRedisTopology implements QuarkusTestProfile {

    private final Class<? extends QuarkusTestResourceLifecycleManager> redis;
    private final Map<String, String> redisArgs;

    OnRedisTopology(Class<? extends QuarkusTestResourceLifecycleManager> redis, Map<String, String> redisArgs) {
        this.redis = redis;
        this.redisArgs = redisArgs;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(redis, redisArgs),
                new TestResourceEntry(SmtpServerResource.class), new TestResourceEntry(SmsProvidersResource.class));
    }

    /**
     * Long Redis, replica and delivery timeouts instead of the suite's 700 ms and 800 ms, and a 5 s resend
     * cooldown instead of 1 s: these tests are about Redis' answers, and a busy shared machine stalls the
     * JVM or a Redis process for seconds (a 3.7 s blocked event loop was seen), spreads 30 "concurrent"
     * creates over more than a second (the late ones then resend), and has late SMTP answers retried and
     * mailed twice.
     */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("otp.redis.timeout", "10s", "otp.redis.replica-ack-timeout", "5s",
                "otp.resend.cooldown", "5s", "quarkus.fault-tolerance.global.timeout.value", "5000");
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
