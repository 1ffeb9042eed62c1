package io.otpservice.api;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import io.otpservice.delivery.receipt.Callbacks;
import io.otpservice.observability.RequestLines;
import io.otpservice.store.VerificationId;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * One log line per API request outcome: operation, verification id, masked recipient, outcome, HTTP
 * status and duration, as MDC fields (JSON members in production). Never a code, key or raw recipient.
 */
public class RequestLog {

    private static final Logger LOG = Logger.getLogger(RequestLines.CATEGORY);
    private static final String START = "otp.request.start";
    private static final String VERIFICATIONS = "/v1/verifications/";
    private static final String[] KEYS = {"api", "op", "outcome", "status", "durationMs", "id", "to"};

    /** The first filter of all (before the API key's, which may refuse), so every line has its duration. */
    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 100)
    public void start(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @ServerResponseFilter
    public void log(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return;
        }
        long micros = elapsedMicros(request);
        String operation = operation(request.getMethod(), path);
        String id = null;
        String to = null;
        String outcome;
        Object entity = response.getEntity();
        if (entity instanceof VerificationView view) {
            id = view.id();
            to = view.to();
            outcome = switch (operation) {
                case "create" -> response.getStatus() == 201 ? "created" : "existing";
                case "resend" -> "resent";
                default -> view.status();
            };
        } else if (entity instanceof Problem problem) {
            outcome = problem.code();
        } else {
            outcome = response.getStatus() != 204 ? Integer.toString(response.getStatus()) : switch (operation) {
                case "cancel" -> "canceled";
                case "unblock" -> "lifted";
                default -> "accepted";
            };
        }
        write(null, operation, id == null ? idInPath(path) : id, to, outcome, response.getStatus(), micros);
    }

    /** Microseconds since the request came in (stamped by this class for every path), or -1. */
    public static long elapsedMicros(ContainerRequestContext request) {
        return request.getProperty(START) instanceof Long nanos ? (System.nanoTime() - nanos) / 1000 : -1;
    }

    /** The line of a request that {@link BodyLimit} refused before Quarkus REST (and its filters) ran. */
    static void refused(String method, String path, int status, String code) {
        if (path != null && path.startsWith("/v1/")) {
            write(null, operation(method, path), idInPath(path), null, code, status, 0);
        }
    }

    /**
     * Writes one request line; {@code api} (e.g. {@code v2}) tags the line of an API other than /v1, as a
     * prefix and an MDC member; null for /v1.
     */
    public static void write(String api, String operation, String id, String to, String outcome, int status, long micros) {
        String duration = millis(micros);
        if (RequestLines.active()) {
            RequestLines.write(message(api, operation, id, to, outcome, status, duration), KEYS,
                    new String[] {api, operation, outcome, Integer.toString(status), duration, id, to});
            return;
        }
        if (api != null) {
            MDC.put("api", api);
        }
        MDC.put("op", operation);
        MDC.put("outcome", outcome);
        MDC.put("status", Integer.toString(status));
        MDC.put("durationMs", duration);
        if (id != null) {
            MDC.put("id", id);
        }
        if (to != null) {
            MDC.put("to", to);
        }
        try {
            LOG.info(message(api, operation, id, to, outcome, status, duration));
        } finally {
            for (String key : KEYS) {
                MDC.remove(key);
            }
        }
    }

    /** The line's text, e.g. "check VE… to=+4477•••••789 -> approved 200 in 1.4 ms". */
    private static String message(String api, String operation, String id, String to, String outcome, int status,
                                  String duration) {
        // built by hand: String.format and its Formatter were a visible share of a request's CPU (JFR)
        StringBuilder line = new StringBuilder(96);
        if (api != null) {
            line.append(api).append(' ');
        }
        line.append(operation).append(' ');
        if (id != null) {
            line.append(id).append(' ');
        }
        if (to != null) {
            line.append("to=").append(to).append(' ');
        }
        return line.append("-> ").append(outcome).append(' ').append(status).append(" in ")
                .append(duration, 0, duration.length() - 2).append(" ms").toString();
    }

    /** The verification id in a path such as /v1/verifications/VE…/check, if any. */
    static String idInPath(String path) {
        int at = path.indexOf(VERIFICATIONS);
        if (at < 0) {
            return null;
        }
        int start = at + VERIFICATIONS.length();
        int end = start;
        while (end < path.length() && path.charAt(end) != '/') {
            end++;
        }
        String candidate = path.substring(start, end);
        return VerificationId.wellFormed(candidate) ? candidate : null;
    }

    /** Microseconds as milliseconds with three decimals ("3.114"); "-1.000" when unknown. */
    static String millis(long micros) {
        if (micros < 0) {
            return "-1.000";
        }
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    private static String operation(String method, String path) {
        if (path.startsWith(Callbacks.PATH + "/")) {
            return "receipt";
        }
        if (path.startsWith(FraudResource.PATH)) {
            return "DELETE".equals(method) ? "unblock" : "blocks";
        }
        if (path.endsWith("/check") || path.startsWith("/v1/verification-checks")) {
            return "check";
        }
        if (path.endsWith("/resend")) {
            return "resend";
        }
        return switch (method) {
            case "POST" -> "create";
            case "DELETE" -> "cancel";
            case "GET" -> "read";
            default -> "other"; // the method is the client's word: never logged as such
        };
    }
}
