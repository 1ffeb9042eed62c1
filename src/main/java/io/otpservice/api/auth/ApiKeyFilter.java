package io.otpservice.api.auth;

import io.otpservice.api.ApiException;
import io.otpservice.api.RequestHeaders;
import io.otpservice.delivery.receipt.Callbacks;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer API key and scope check for every resource method that names a {@link Scope}. The header is
 * {@code Bearer <key>} given once, the key 1-512 printable ASCII characters; absent, empty, repeated
 * or anything else is the same 401.
 * <p>
 * The key is checked twice over: before Quarkus REST matches the request to a method, for every
 * {@code /v1} path but the delivery receipts (which carry their provider's signature instead), so a
 * caller without a key learns nothing but the 401 (not whether its body was UTF-8, nor which media
 * types a path takes); and after the match, where the method's scope is known.
 */
public class ApiKeyFilter {

    private static final Pattern BEARER = Pattern.compile("Bearer +([\\x21-\\x7E]{1,512})", Pattern.CASE_INSENSITIVE);
    /** Where the caller found before the match waits for the scope check. */
    private static final String CALLER = "otp.caller";

    private final ApiKeys keys;
    private final CurrentCaller current;

    public ApiKeyFilter(ApiKeys keys, CurrentCaller current) {
        this.keys = keys;
        this.current = current;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public void identify(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.OPTIONS && needsKey(rc.normalizedPath())) {
            rc.put(CALLER, caller(rc).orElseThrow(ApiException.Unauthorized::new));
        }
    }

    @ServerRequestFilter
    public void authenticate(RoutingContext rc, ResourceInfo resource) {
        Scope required = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Scope.class);
        if (required == null) {
            return;
        }
        Caller known = rc.get(CALLER);
        Caller caller = known != null ? known : caller(rc).orElseThrow(ApiException.Unauthorized::new);
        if (!caller.may(required.value())) {
            throw new ApiException.Forbidden(required.value());
        }
        current.set(caller);
    }

    /** Every {@code /v1} path but the receipts' ({@link Callbacks#PATH}). */
    static boolean needsKey(String path) {
        return path != null && path.startsWith("/v1/")
                && !(path.startsWith(Callbacks.PATH) && (path.length() == Callbacks.PATH.length()
                || path.charAt(Callbacks.PATH.length()) == '/'));
    }

    private Optional<Caller> caller(RoutingContext rc) {
        String header = RequestHeaders.single(rc.request(), HttpHeaders.AUTHORIZATION);
        Matcher bearer = header == null ? null : BEARER.matcher(header);
        if (bearer == null || !bearer.matches()) {
            return Optional.empty();
        }
        return keys.find(bearer.group(1));
    }
}
