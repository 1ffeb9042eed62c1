package io.otpservice.store;

import io.otpservice.config.OtpConfig;
import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;

/**
 * Picks the {@link RedisTopology} from the settings operators already use: {@code quarkus.redis.client-type}
 * ({@code standalone}, {@code sentinel} or {@code cluster}) and {@code quarkus.redis.hosts}. A single
 * Redis goes through the Quarkus Redis client; Sentinel and Redis Cluster through our own finding of the
 * master, whose clients copy the options Quarkus built (password, TLS, pool sizes), taken as its customizer.
 */
@Singleton
public class RedisTopologies implements RedisOptionsCustomizer {

    /**
     * The metrics names (the prefix of their client meters) of our own Redis clients: every event loop's
     * own connection (LoopConnections) and, on Redis Cluster, each node's pool; and the pool name of the
     * loops' connections.
     */
    public static final String LOOP_METRICS = "redis.loops";
    public static final String NODE_METRICS = "redis.nodes";
    public static final String LOOP_POOL = "otp-loops";
    private static final String DEFAULT_CLIENT = "<default>";

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (DEFAULT_CLIENT.equals(clientName)) {
            this.options = new RedisOptions(options);
        }
    }

    @Produces
    @Singleton
    RedisTopology topology(Vertx vertx, io.vertx.mutiny.redis.client.Redis quarkusClient, OtpConfig config,
                           @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") RedisClientType type,
                           @ConfigProperty(name = "quarkus.redis.master-name", defaultValue = "mymaster") String master) {
        // creates the Quarkus client if it was not yet, and with it the options this class is handed
        io.vertx.redis.client.Redis client = quarkusClient.getDelegate();
        RedisOptions built = options;
        if (built == null) {
            throw new IllegalStateException("the Quarkus Redis client was created without its options customizer");
        }
        var redis = config.redis();
        return switch (type) {
            case CLUSTER -> new ClusterRouter(vertx, built, redis.timeout(), redis.topologyRefresh());
            case SENTINEL -> new SentinelMaster(vertx, built, master, redis.timeout(), redis.topologyRefresh());
            case STANDALONE -> new OneMaster(vertx, client, "standalone", hostPort(built.getEndpoint()),
                    redis.timeout(), redis.topologyRefresh(), built);
            case REPLICATION -> new OneMaster(vertx, client, "replication", hostPort(built.getEndpoint()),
                    redis.timeout(), redis.topologyRefresh(), null);
        };
    }

    void close(@Disposes RedisTopology topology) {
        topology.close();
    }

    private static String hostPort(String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            return uri.getHost() == null ? "redis" : uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
        } catch (IllegalArgumentException e) {
            return "redis";
        }
    }
}
