package io.otpservice.support;

import io.otpservice.dev.RedisProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A real redis-server on a free port (PATH, else the binary of the embedded-redis jar). */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisProcess redis;

    @Override
    public Map<String, String> start() {
        redis = RedisProcess.launch();
        return Map.of("quarkus.redis.hosts", redis.uri());
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.stop();
        }
    }

    public static RedisProcess redis() {
        return redis;
    }
}
