package io.otpservice.support;

import java.util.Map;

/** The suite's servers, with Redis Sentinel (a master, 2 replicas, 3 Sentinels) instead of a single Redis. */
public class OnRedisSentinel extends OnRedisTopology {

    public OnRedisSentinel() {
        this(Map.of());
    }

    /** {@code args} for {@link RedisSentinelResource}, e.g. its {@code down-after}. */
    protected OnRedisSentinel(Map<String, String> args) {
        super(RedisSentinelResource.class, args);
    }
}
