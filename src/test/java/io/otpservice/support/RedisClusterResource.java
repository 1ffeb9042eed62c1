package io.otpservice.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * A fresh {@link RedisCluster} for a test profile, and the service pointed at it as operators configure
 * it ({@code quarkus.redis.client-type=cluster}, every node in {@code quarkus.redis.hosts}). Arg
 * {@code node-timeout} (ms): Redis' default 15 s where nothing should fail over, short for failovers.
 */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisCluster cluster;
    private int nodeTimeout = 15_000;

    @Override
    public void init(Map<String, String> args) {
        nodeTimeout = Integer.parseInt(args.getOrDefault("node-timeout", "15000"));
    }

    @Override
    public Map<String, String> start() {
        cluster = RedisCluster.start(nodeTimeout);
        return Map.of("quarkus.redis.client-type", "cluster", "quarkus.redis.hosts", cluster.hosts());
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    public static RedisCluster cluster() {
        return cluster;
    }
}
