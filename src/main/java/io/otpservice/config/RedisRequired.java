package io.otpservice.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * No Redis configured outside dev mode (where one is started) stops the start with one line naming the
 * key, before any bean meets the missing client.
 */
@Singleton
@Startup(0)
final class RedisRequired {

    RedisRequired(@ConfigProperty(name = "quarkus.redis.hosts") Optional<String> hosts) {
        if (hosts.isEmpty()) {
            throw new ConfigurationException("quarkus.redis.hosts: required, the Redis to use: redis://host:6379, or"
                    + " some nodes of a cluster or the Sentinels with quarkus.redis.client-type");
        }
    }
}
