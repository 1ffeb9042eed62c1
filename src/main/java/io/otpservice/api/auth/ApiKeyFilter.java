package io.otpservice.api.auth;

import io.otpservice.api.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Bearer API key and scope check for every resource method that names a {@link Scope}. */
public class ApiKeyFilter {

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final CurrentCaller current;

    public ApiKeyFilter(ApiKeys keys, CurrentCaller current) {
        this.keys = keys;
        this.current = current;
    }

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Scope required = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Scope.class);
        if (required == null) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.length() == BEARER.length() || header.length() > 512) {
            throw new ApiException.Unauthorized();
        }
        Caller caller = keys.find(header.substring(BEARER.length()).trim())
                .orElseThrow(ApiException.Unauthorized::new);
        if (!caller.may(required.value())) {
            throw new ApiException.Forbidden(required.value());
        }
        current.set(caller);
    }
}
