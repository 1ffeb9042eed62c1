package io.otpservice.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Meter filters: histogram buckets for HTTP server timings, so p99 can be computed (and alerted on)
 * in Prometheus; and one tag set for the HTTP servers' byte meters, which the API server and the
 * management server would otherwise register with different tag keys (Prometheus refuses that).
 */
public class Histograms {

    @Produces
    @Singleton
    MeterFilter oneTagSetForBothServers() {
        return MeterFilter.ignoreTags("server.port", "server_port");
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
