package io.otpservice.api.auth;

import io.otpservice.api.ApiException;
import io.otpservice.api.RequestHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer API key and scope check for every resource method that names a {@link Scope}. The header is
 * {@code Bearer <key>} given once, the key 1-512 printable ASCII characters; absent, empty, repeated
 * or anything else is the same 401.
 */
public class ApiKeyFilter {

    private static final Pattern BEARER = Pattern.compile("Bearer +([\\x21-\\x7E]{1,512})", Pattern.CASE_INSENSITIVE);

    private final ApiKeys keys;
    private final CurrentCaller current;

    public ApiKeyFilter(ApiKeys keys, CurrentCaller current) {
        this.keys = keys;
        this.current = current;
    }

    @ServerRequestFilter
    public void authenticate(HttpServerRequest http, ResourceInfo resource) {
        Scope required = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Scope.class);
        if (required == null) {
            return;
        }
        String header = RequestHeaders.single(http, HttpHeaders.AUTHORIZATION);
        Matcher bearer = header == null ? null : BEARER.matcher(header);
        if (bearer == null || !bearer.matches()) {
            throw new ApiException.Unauthorized();
        }
        Caller caller = keys.find(bearer.group(1)).orElseThrow(ApiException.Unauthorized::new);
        if (!caller.may(required.value())) {
            throw new ApiException.Forbidden(required.value());
        }
        current.set(caller);
    }
}
