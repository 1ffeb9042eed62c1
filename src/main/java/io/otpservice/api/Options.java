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
        String path = request.getUriInfo().getPath();
        Set<String> methods = allowed.of(path);
        if (methods.isEmpty()) {
            return null;
        }
        allowed.tagMetrics(path);
        return Response.noContent().header(HttpHeaders.ALLOW, AllowedMethods.header(methods)).build();
    }
}
