package io.otpservice.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/** OPTIONS on a path of the API: 204 with the Allow header of that path, the same one its 405 carries. */
public class Options {

    private final AllowedMethods allowed;

    public Options(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    @ServerRequestFilter(preMatching = true)
    public Response options(ContainerRequestContext request) {
        if (!"OPTIONS".equals(request.getMethod())) {
            return null;
        }
        Set<String> methods = allowed.answering(request.getUriInfo().getPath());
        return methods.isEmpty() ? null
                : Response.noContent().header(HttpHeaders.ALLOW, AllowedMethods.header(methods)).build();
    }
}
