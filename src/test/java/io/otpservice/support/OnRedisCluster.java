package io.otpservice.support;

import java.util.Map;

/** The suite's servers, with a Redis Cluster (3 masters, 3 replicas) instead of a single Redis. */
public class OnRedisCluster extends OnRedisTopology {

    public OnRedisCluster() {
        this(Map.of());
    }

    /** {@code args} for {@link RedisClusterResource}, e.g. its {@code node-timeout}. */
    protected OnRedisCluster(Map<String, String> args) {
        super(RedisClusterResource.class, args);
    }
}
