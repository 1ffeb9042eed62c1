package io.otpservice.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    private final Map<Method, String> templates = new ConcurrentHashMap<>();

    /** Tags outside the routes and {@link #OTHER_VALUES} as UNKNOWN, in the HTTP server meters. */
    @Produces
    @Singleton
    MeterFilter routesOnly(AllowedMethods allowed) {
        Set<String> known = new HashSet<>(allowed.templates());
        known.addAll(OTHER_VALUES);
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String uri = id.getTag("uri");
                return uri == null || known.contains(uri) || !id.getName().startsWith("http.server") ? id
                        : id.withTag(Tag.of("uri", "UNKNOWN"));
            }
        };
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 1)
    public void template(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method != null) {
            HttpMetricsTemplate.set(templates.computeIfAbsent(method, m -> template(resource.getResourceClass(), m)));
        }
    }

    private static String template(Class<?> resource, Method method) {
        Path base = resource.getAnnotation(Path.class);
        Path sub = method.getAnnotation(Path.class);
        return AllowedMethods.join(base == null ? "" : base.value(), sub == null ? "" : sub.value());
    }
}
