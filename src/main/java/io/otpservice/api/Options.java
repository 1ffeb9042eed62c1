package io.otpservice.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/** OPTIONS on a path of the API: 204 with the Allow header of that path, the same one its 405 carries; elsewhere 404. */
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
        if (methods.isEmpty()) {
            // no path of ours: the 404 of any other method (Quarkus REST would answer 200 with the methods of
            // the class whose prefix the path shares, counted under the raw path in the metrics)
            throw new NotFoundException();
        }
        return Response.noContent().header(HttpHeaders.ALLOW, AllowedMethods.header(methods)).build();
    }
}
