package io.otpservice.api;

import io.micrometer.core.instrument.config.MeterFilter;
import io.otpservice.observability.Histograms;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.HashSet;
import java.util.Set;

/**
 * The {@code uri} tag of the HTTP metrics: the route's path template, whatever the request was answered;
 * {@code UNKNOWN} for a path that is no route of the API.
 *
 * <p>Every request matched to a resource method is tagged with that method's template (Quarkus REST does it
 * only for paths with parameters, and Micrometer's binder counts a 4xx or 5xx under its route only when the
 * template differs from the path: a failed create was {@code UNKNOWN}, apart from its successes). Any other
 * value (a path answered before matching: a 401 or 414 of a made-up path) becomes {@code UNKNOWN}, so no
 * client can add series, and no id or address in a path becomes a tag.
 */
@Singleton
public class MetricsTemplates {

    /** What Micrometer's binder and our early refusals tag besides the routes. */
    private static final Set<String> OTHER_VALUES = Set.of("UNKNOWN", "NOT_FOUND", "REDIRECTION", "root",
            "/" + BodyLimit.REFUSED_TEMPLATE);

    private final AllowedMethods allowed;

    public MetricsTemplates(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    /** Tags outside the routes and {@link #OTHER_VALUES} as UNKNOWN, in the HTTP server meters. */
    @Produces
    @Singleton
    MeterFilter routesOnly() {
        Set<String> known = new HashSet<>(allowed.templates());
        known.addAll(OTHER_VALUES);
        return Histograms.boundedTag("http.server", "uri", known, "UNKNOWN");
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 1)
    public void template(ResourceInfo resource) {
        String template = allowed.template(resource.getResourceMethod());
        if (template != null) {
            HttpMetricsTemplate.set(template);
        }
    }
}
