package io.otpservice.api.twilio;

import io.otpservice.api.BodyLimit;
import io.otpservice.api.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.annotation.Annotation;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every /v2 answer goes through. Answers the shared mapper made before our resource ran or
 * outside it (unknown route 404, 405, 406, a crash) become Twilio's error body, since the SDKs read
 * the code from it; an oversized body is refused in Twilio's body before anything reads it; and one
 * log line per request outcome, as /v1 has (masked recipient, never a code, key or body).
 */
@Singleton
public class TwilioResponses {

    private static final Logger LOG = Logger.getLogger("otp.request");
    private static final String START = "otp.v2.start";
    private static final Pattern ID = Pattern.compile("/Verifications/(VE[0-9a-f]{32})$");
    private static final String TOO_LARGE = Json.encode(TwilioErrors.payloadTooLarge());

    /** Ahead of the shared body limit, which answers a problem+json. */
    void install(@Observes Router router) {
        router.route().order(-1001).handler(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (isV2(rc.normalizedPath()) && length != null && tooLarge(length)) {
                rc.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(TOO_LARGE);
                return;
            }
            rc.next();
        });
    }

    @ServerRequestFilter(preMatching = true)
    public void start(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @ServerResponseFilter
    public void answer(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!isV2(path)) {
            return;
        }
        if (response.getEntity() instanceof Problem problem) {
            TwilioError error = TwilioErrors.of(problem);
            response.setStatus(error.status());
            response.setEntity(error, new Annotation[0], MediaType.APPLICATION_JSON_TYPE);
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE.toString(), MediaType.APPLICATION_JSON);
            response.getHeaders().remove(HttpHeaders.RETRY_AFTER.toString());
        }
        log(request, response, path);
    }

    private static void log(ContainerRequestContext request, ContainerResponseContext response, String path) {
        Object start = request.getProperty(START);
        long micros = start instanceof Long nanos ? (System.nanoTime() - nanos) / 1000 : -1;
        String id = null;
        String to = null;
        String outcome;
        switch (response.getEntity()) {
            case TwilioViews.Verification v -> {
                id = v.sid();
                to = v.maskedTo();
                outcome = v.outcome();
            }
            case TwilioViews.Check c -> {
                id = c.sid();
                to = c.maskedTo();
                outcome = c.outcome();
            }
            case TwilioViews.Service s -> outcome = "fetched";
            case TwilioError e -> outcome = Integer.toString(e.code());
            case null, default -> outcome = Integer.toString(response.getStatus());
        }
        if (id == null) {
            Matcher m = ID.matcher(path);
            id = m.find() ? m.group(1) : null;
        }
        String operation = operation(request.getMethod(), path);
        MDC.put("api", "v2");
        MDC.put("op", operation);
        MDC.put("outcome", outcome);
        MDC.put("status", Integer.toString(response.getStatus()));
        MDC.put("durationMs", String.format(Locale.ROOT, "%.3f", micros / 1000.0));
        if (id != null) {
            MDC.put("id", id);
        }
        if (to != null) {
            MDC.put("to", to);
        }
        try {
            LOG.infof("v2 %s%s%s -> %s %d in %.1f ms", operation, id == null ? "" : " " + id,
                    to == null ? "" : " to=" + to, outcome, response.getStatus(), micros / 1000.0);
        } finally {
            for (String key : new String[]{"api", "op", "outcome", "status", "durationMs", "id", "to"}) {
                MDC.remove(key);
            }
        }
    }

    private static String operation(String method, String path) {
        if (path.endsWith("/VerificationCheck")) {
            return "check";
        }
        boolean one = ID.matcher(path).find();
        return switch (method) {
            case "POST" -> one ? "update" : path.endsWith("/Verifications") ? "create" : "post";
            case "GET" -> one ? "read" : path.matches("/v2/Services/[^/]+") ? "service" : "get";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    private static boolean isV2(String path) {
        return path != null && (path.equals("/v2") || path.startsWith("/v2/"));
    }

    private static boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > BodyLimit.MAX_BYTES;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
