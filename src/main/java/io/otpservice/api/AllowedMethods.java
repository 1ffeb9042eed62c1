package io.otpservice.api;

import io.otpservice.api.twilio.TwilioVerifyResource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each path of the API takes, read from the JAX-RS annotations of its resources: the
 * Allow header of every 405 (RFC 9110 §15.5.6; Quarkus REST sends none) and of OPTIONS (where Quarkus
 * REST would list every method of the class, not of the path). HEAD comes with GET, OPTIONS with
 * every path. AbuseRegressionTest checks this against the OpenAPI document, so a new resource is not forgotten.
 */
@Singleton
@RegisterForReflection(targets = {VerificationResource.class, DeliveryCallbackResource.class, JwksResource.class,
        TwilioVerifyResource.class, FraudResource.class})
public final class AllowedMethods {

    /** Every resource class of the API; AbuseRegressionTest fails when one is missing here. */
    static final List<Class<?>> RESOURCES = List.of(VerificationResource.class, DeliveryCallbackResource.class,
            JwksResource.class, TwilioVerifyResource.class, FraudResource.class);

    private record Route(Pattern path, String template, Set<String> methods) {
    }

    private final List<Route> routes = new ArrayList<>();
    /** The path template of each resource method, for the HTTP metrics ({@link MetricsTemplates}). */
    private final Map<Method, String> templates = new HashMap<>();

    public AllowedMethods() {
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                Optional<String> verb = verb(method);
                if (verb.isEmpty()) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String template = join(base, sub == null ? "" : sub.value());
                templates.put(method, template);
                Pattern path = pattern(template);
                Route route = routes.stream().filter(r -> r.path().pattern().equals(path.pattern())).findFirst()
                        .orElseGet(() -> {
                            Route fresh = new Route(path, template, new TreeSet<>(Set.of("OPTIONS")));
                            routes.add(fresh);
                            return fresh;
                        });
                route.methods().add(verb.get());
                if (verb.get().equals("GET")) {
                    route.methods().add("HEAD");
                }
            }
        }
    }

    /**
     * The methods {@code path} takes, OPTIONS included; empty when no resource has the path. For the
     * request being answered (an OPTIONS, a 405): its HTTP metrics are tagged with the template of the
     * resource path it names, as Quarkus REST does for a request it matched to a method; answered before
     * that matching, it would otherwise be counted under its raw path, one series per verification id sent.
     */
    public Set<String> answering(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                if (methods.isEmpty()) {
                    HttpMetricsTemplate.set(route.template());
                }
                methods.addAll(route.methods());
            }
        }
        return methods;
    }

    /** The path template of every route of the API. */
    Set<String> templates() {
        return new TreeSet<>(templates.values());
    }

    /** The path template of a resource method of the API; null for any other method. */
    String template(Method method) {
        return templates.get(method);
    }

    /** The value of an Allow header. */
    public static String header(Set<String> methods) {
        return String.join(", ", methods);
    }

    private static Optional<String> verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return Optional.of(http.value());
            }
        }
        return Optional.empty();
    }

    private static String join(String base, String sub) {
        String path = "/" + base.replaceAll("^/+|/+$", "") + "/" + sub.replaceAll("^/+|/+$", "");
        return path.length() > 1 ? path.replaceAll("/+$", "") : path;
    }

    /** A path template as a regular expression: literal text quoted, each {name} one segment, {name: regex} its regex. */
    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        int last = 0;
        for (int open = template.indexOf('{'); open >= 0; open = template.indexOf('{', last)) {
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalStateException("unclosed path parameter in " + template);
            }
            regex.append(Pattern.quote(template.substring(last, open)));
            String parameter = template.substring(open + 1, close);
            int colon = parameter.indexOf(':');
            regex.append(colon < 0 ? "[^/]+" : "(?:" + parameter.substring(colon + 1).strip() + ")");
            last = close + 1;
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex + "/?");
    }
}
