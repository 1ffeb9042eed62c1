package io.otpservice.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * A fresh {@link RedisSentinels} set-up for a test profile, and the service pointed at it as operators
 * configure it: {@code quarkus.redis.client-type=sentinel}, the Sentinels in {@code quarkus.redis.hosts},
 * {@code quarkus.redis.master-name}. Arg {@code down-after} (ms): long where nothing should fail over.
 */
public class RedisSentinelResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisSentinels sentinels;
    private int downAfter = 10_000;

    @Override
    public void init(Map<String, String> args) {
        downAfter = Integer.parseInt(args.getOrDefault("down-after", "10000"));
    }

    @Override
    public Map<String, String> start() {
        sentinels = RedisSentinels.start(downAfter);
        return Map.of("quarkus.redis.client-type", "sentinel", "quarkus.redis.hosts", sentinels.hosts(),
                "quarkus.redis.master-name", RedisSentinels.MASTER_NAME);
    }

    @Override
    public void stop() {
        if (sentinels != null) {
            sentinels.close();
        }
    }

    public static RedisSentinels sentinels() {
        return sentinels;
    }
}
