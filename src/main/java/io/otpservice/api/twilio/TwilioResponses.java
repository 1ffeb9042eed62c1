package io.otpservice.api.twilio;

import io.otpservice.api.Problem;
import io.otpservice.api.RefusalFormat;
import io.otpservice.api.RequestLog;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.annotation.Annotation;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every /v2 answer goes through. Answers the shared mapper made before our resource ran or
 * outside it (unknown route 404, 405, 406, a crash) become Twilio's error body, since the SDKs read
 * the code from it; so do the refusals {@link io.otpservice.api.BodyLimit} makes before any resource
 * runs (this is its {@link RefusalFormat} for /v2); and one log line per request outcome, written by
 * {@link RequestLog} as /v1's are (masked recipient, never a code, key or body).
 */
@Singleton
public class TwilioResponses implements RefusalFormat {

    private static final Pattern ID = Pattern.compile("/Verifications/(VE[0-9a-f]{32})$");

    @Override
    public boolean covers(String path) {
        return isV2(path);
    }

    @Override
    public String contentType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public String body(Problem problem) {
        return Json.encode(TwilioErrors.of(problem));
    }

    @Override
    public void logRefused(String method, String path, int status, String outcome) {
        RequestLog.write("v2", operation(method, path), idIn(path), null, outcome, status, 0);
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
        RequestLog.write("v2", operation(request.getMethod(), path), id == null ? idIn(path) : id, to, outcome,
                response.getStatus(), RequestLog.elapsedMicros(request));
    }

    private static String idIn(String path) {
        Matcher m = ID.matcher(path);
        return m.find() ? m.group(1) : null;
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
}
