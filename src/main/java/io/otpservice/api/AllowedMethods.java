package io.otpservice.api;

import io.otpservice.api.twilio.TwilioVerifyResource;
import io.otpservice.delivery.receipt.Callbacks;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each path of the API takes: the Allow header of every 405 (RFC 9110 §15.5.6; Quarkus REST
 * sends none) and of OPTIONS (where Quarkus REST would list every method of the class, not of the path),
 * and the path template of each resource method for the HTTP metrics. HEAD comes with GET, OPTIONS with
 * every path.
 * <p>
 * The table is written out here rather than read from the resources' annotations at start: reading a
 * method's annotations makes the JDK generate a proxy class for each annotation type on it (the OpenAPI
 * ones included), 0.2 s of every start (async-profiler). {@code AllowedMethodsTest} derives the same table
 * from the annotations and fails on any difference, and {@code AbuseRegressionTest} checks the Allow of
 * every path of the OpenAPI document, so a resource method added without its row here is caught.
 */
@Singleton
@RegisterForReflection(targets = {VerificationResource.class, DeliveryCallbackResource.class, JwksResource.class,
        TwilioVerifyResource.class, FraudResource.class})
public final class AllowedMethods {

    /** A resource method: its class, its Java name, its HTTP method and its path template. */
    record Endpoint(Class<?> resource, String name, String verb, String template) {
    }

    private static final String VERIFICATION = "/v1/verifications/{id}";
    private static final String TWILIO = "/v2/Services/{serviceSid}";

    /** Every resource method of the API. */
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint(VerificationResource.class, "create", "POST", "/v1/verifications"),
            new Endpoint(VerificationResource.class, "get", "GET", VERIFICATION),
            new Endpoint(VerificationResource.class, "resend", "POST", VERIFICATION + "/resend"),
            new Endpoint(VerificationResource.class, "check", "POST", VERIFICATION + "/check"),
            new Endpoint(VerificationResource.class, "checkByRecipient", "POST", "/v1/verification-checks"),
            new Endpoint(VerificationResource.class, "cancel", "DELETE", VERIFICATION),
            new Endpoint(DeliveryCallbackResource.class, "receipt", "POST", Callbacks.PATH + "/{provider}"),
            new Endpoint(JwksResource.class, "jwks", "GET", "/.well-known/jwks.json"),
            new Endpoint(FraudResource.class, "list", "GET", FraudResource.PATH),
            new Endpoint(FraudResource.class, "lift", "DELETE", FraudResource.PATH + "/{prefix}"),
            new Endpoint(TwilioVerifyResource.class, "create", "POST", TWILIO + "/Verifications"),
            new Endpoint(TwilioVerifyResource.class, "check", "POST", TWILIO + "/VerificationCheck"),
            new Endpoint(TwilioVerifyResource.class, "fetch", "GET", TWILIO + "/Verifications/{sid}"),
            new Endpoint(TwilioVerifyResource.class, "update", "POST", TWILIO + "/Verifications/{sid}"),
            new Endpoint(TwilioVerifyResource.class, "service", "GET", TWILIO));

    private record Route(Pattern path, String template, Set<String> methods) {
    }

    /** The routes, with their patterns compiled on the first 405 or OPTIONS, not at start. */
    private static final class Routes {
        static final List<Route> ALL = routes();
    }

    /** The path template of each resource method (by class, then name), for the HTTP metrics ({@link MetricsTemplates}). */
    private final Map<Class<?>, Map<String, String>> templates = new HashMap<>();

    public AllowedMethods() {
        for (Endpoint endpoint : ENDPOINTS) {
            templates.computeIfAbsent(endpoint.resource(), r -> new HashMap<>()).put(endpoint.name(), endpoint.template());
        }
    }

    private static List<Route> routes() {
        Map<String, Set<String>> methods = new LinkedHashMap<>();
        for (Endpoint endpoint : ENDPOINTS) {
            Set<String> verbs = methods.computeIfAbsent(endpoint.template(), t -> new TreeSet<>(Set.of("OPTIONS")));
            verbs.add(endpoint.verb());
            if (endpoint.verb().equals("GET")) {
                verbs.add("HEAD");
            }
        }
        List<Route> routes = new ArrayList<>();
        methods.forEach((template, verbs) -> routes.add(new Route(pattern(template), template, Set.copyOf(verbs))));
        return List.copyOf(routes);
    }

    /**
     * The methods {@code path} takes, OPTIONS included; empty when no resource has the path. For the
     * request being answered (an OPTIONS, a 405): its HTTP metrics are tagged with the template of the
     * resource path it names, as Quarkus REST does for a request it matched to a method; answered before
     * that matching, it would otherwise be counted under its raw path, one series per verification id sent.
     */
    public Set<String> answering(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : Routes.ALL) {
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
        Set<String> all = new TreeSet<>();
        ENDPOINTS.forEach(endpoint -> all.add(endpoint.template()));
        return all;
    }

    /** The path template of a resource method of the API; null for any other method. */
    String template(Method method) {
        Map<String, String> byName = templates.get(method.getDeclaringClass());
        return byName == null ? null : byName.get(method.getName());
    }

    /** The value of an Allow header. */
    public static String header(Set<String> methods) {
        return String.join(", ", methods);
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
