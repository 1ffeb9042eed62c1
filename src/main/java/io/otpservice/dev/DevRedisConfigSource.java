package io.otpservice.dev;

import io.quarkus.runtime.LaunchMode;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * Dev mode with no {@code quarkus.redis.hosts}: starts a real redis-server on a free port and
 * answers its address. Lowest priority, so any configured host wins; inert outside dev mode.
 * One server per JVM, reused across live reloads, stopped when the JVM exits.
 */
public class DevRedisConfigSource implements ConfigSource {

    private static final String HOSTS = "quarkus.redis.hosts";
    private static final String STARTED = "otpservice.dev-redis.hosts";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String name) {
        if (!HOSTS.equals(name) || LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            return null;
        }
        return hosts();
    }

    private static synchronized String hosts() {
        String started = System.getProperty(STARTED);
        if (started == null) {
            RedisProcess redis = RedisProcess.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "dev-redis-stop"));
            started = redis.uri();
            System.setProperty(STARTED, started);
            Logger.getLogger(DevRedisConfigSource.class).infof(
                    "Dev mode: no quarkus.redis.hosts set, started %s at %s", redis.binaryPath(), started);
        }
        return started;
    }

    @Override
    public int getOrdinal() {
        return 10;
    }

    @Override
    public String getName() {
        return "otp-dev-redis";
    }
}
