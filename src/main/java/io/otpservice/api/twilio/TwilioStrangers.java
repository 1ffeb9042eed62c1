package io.otpservice.api.twilio;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A caller without valid credentials learns nothing from a {@code /v2} path but Twilio's 401 (20003):
 * the credentials are checked before Quarkus REST matches the request, where a 405, 406 or 415 would
 * otherwise come first. The caller found is kept on the request for the resource, which checks its scope
 * ({@code TwilioVerifyResource.begin}).
 */
public class TwilioStrangers {

    private final TwilioAuth auth;

    public TwilioStrangers(TwilioAuth auth) {
        this.auth = auth;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response identify(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (rc.request().method() == HttpMethod.OPTIONS || path == null || !path.startsWith("/v2/")) {
            return null;
        }
        try {
            auth.authenticate(rc);
            return null;
        } catch (TwilioException e) {
            return TwilioErrors.respond(TwilioErrors.of(e));
        }
    }
}
