package io.otpservice.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** The suite's servers, with Redis Sentinel (a master, 2 replicas, 3 Sentinels) instead of a single Redis. */
public class OnRedisSentinel implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisSentinelResource.class),
                new TestResourceEntry(SmtpServerResource.class), new TestResourceEntry(SmsProvidersResource.class));
    }

    /**
     * Production's Redis timeout and a long delivery timeout instead of the suite's 700 ms and 800 ms: these
     * tests are about Redis' answers, and on a busy machine a late SMTP answer is retried and mailed twice.
     */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("otp.redis.timeout", "2s", "quarkus.fault-tolerance.global.timeout.value", "5000");
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
