package io.otpservice.api.twilio;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Twilio answers JSON whatever a request's {@code Accept} says; so does {@code /v2}, where Quarkus REST
 * would otherwise answer a client that asks for XML or plain text 406.
 */
public class TwilioAccept {

    @ServerRequestFilter(preMatching = true)
    public void acceptJson(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path != null && path.startsWith("/v2/")) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        }
    }
}
