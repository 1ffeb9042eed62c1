package io.otpservice.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.otpservice.store.RedisTopologies;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Set;

/**
 * Meter filters: histogram buckets for HTTP server timings, so p99 can be computed (and alerted on)
 * in Prometheus; HTTP methods bounded to the standard ones ({@link #boundedTag}); and no gauges or pool
 * meters for the event loops' own Redis connections. Each loop's connection is a client of its own, with
 * a pool of one connection held for good: its pool meters say nothing, and its gauges, one per client
 * under one name, were registered twice (a WARN at start). The same goes for the gauges of Redis
 * Cluster's per-node clients. Their command counters and timers stay, summed, as {@code redis_loops_*}
 * and {@code redis_nodes_*}.
 */
public class Histograms {

    @Produces
    @Singleton
    MeterFilter noGaugesForLoopConnections() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                boolean loopPool = RedisTopologies.LOOP_POOL.equals(id.getTag("pool.name"));
                boolean loopGauge = id.getType() == Meter.Type.GAUGE
                        && (id.getName().startsWith(RedisTopologies.LOOP_METRICS + ".")
                        || id.getName().startsWith(RedisTopologies.NODE_METRICS + "."));
                return loopPool || loopGauge ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }
        };
    }

    /** The methods the HTTP metrics name as they are (RFC 9110 and PATCH). */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
            "PATCH");

    /**
     * Any other method counts as {@code OTHER} in the HTTP meters: a method is any token a client cares to
     * send, and each new one would otherwise add a series of every HTTP histogram (some seventy lines),
     * without an API key. (Other meters use the tag for Java methods: fault tolerance.)
     */
    @Produces
    @Singleton
    MeterFilter standardHttpMethodsOnly() {
        return boundedTag("http.", "method", METHODS, "OTHER");
    }

    /**
     * A tag that clients choose, kept to a known set in the meters named {@code meterPrefix}…: any other value
     * becomes {@code other}. Micrometer then caches only the first id that maps to an existing meter, so
     * neither the series nor the registry grow with the values sent.
     */
    public static MeterFilter boundedTag(String meterPrefix, String tag, Set<String> kept, String other) {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String value = id.getTag(tag);
                return value == null || kept.contains(value) || !id.getName().startsWith(meterPrefix) ? id
                        : id.withTag(Tag.of(tag, other));
            }
        };
    }

    @Produces
    @Singleton
    MeterFilter httpHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().startsWith("http.server.requests")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
                }
                return config;
            }
        };
    }
}
