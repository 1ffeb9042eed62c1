package io.otpservice.observability;

import io.otpservice.store.RedisTopology;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness includes Redis as the service uses it: a single Redis or the Sentinel's master answers
 * PING; on Redis Cluster the service is ready while any master answers (one failed shard costs only its
 * own keys, so taking every pod out of the Service for it would make a partial outage total), and the
 * data says how many masters answer and how many slots they serve. Replaces the Quarkus Redis client's
 * own check, which pings through the Vert.x cluster client and hangs with one hung node.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    private final RedisTopology topology;

    public RedisReadiness(RedisTopology topology) {
        this.topology = topology;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return UniHelper.toUni(topology.state()).map(state -> {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("redis").status(state.up());
            state.data().forEach((name, value) -> {
                if (value instanceof Number number) {
                    builder.withData(name, number.longValue());
                } else {
                    builder.withData(name, String.valueOf(value));
                }
            });
            return builder.build();
        });
    }
}
