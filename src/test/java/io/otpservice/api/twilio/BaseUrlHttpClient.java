package io.otpservice.api.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.IRequest;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A twilio-java {@link HttpClient} that sends the requests of chosen Twilio products to another base
 * URL (an otp-service's {@code /v2}), and every other request to Twilio unchanged.
 *
 * <p>Usage, the only change an app makes:
 * <pre>{@code
 * TwilioRestClient client = new TwilioRestClient.Builder(accountSid, apiKey)
 *         .httpClient(BaseUrlHttpClient.verifyAt(URI.create("https://otp.example.com")))
 *         .build();
 * Verification.creator(serviceSid, "+15017122661", "sms").create(client);
 * }</pre>
 *
 * <p>Why a {@link Request} subclass: the SDK builds each URL as {@code https://<product>.twilio.com/<path>}
 * and {@link IRequest#constructURL()} then reassembles the host from its dot-separated pieces to insert
 * a region and edge. For a host that is not a Twilio one that reassembly is wrong as soon as a region
 * or edge is configured ({@code 127.0.0.1} becomes {@code 127.us1.0.1}) or the host has six or more
 * labels (the middle ones are dropped). {@link Routed} overrides that step and keeps the target host
 * as given; only the path and query of the SDK's URL are kept.
 */
public class BaseUrlHttpClient extends HttpClient {

    private final HttpClient delegate;
    private final Map<String, URI> baseUrlByHost;

    /**
     * @param delegate       the client that performs the requests (normally a {@link NetworkHttpClient})
     * @param baseUrlByHost  Twilio host (e.g. {@code verify.twilio.com}) to the base URL that replaces
     *                       its scheme, host and port; a base URL may carry a path prefix
     */
    public BaseUrlHttpClient(HttpClient delegate, Map<String, URI> baseUrlByHost) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.baseUrlByHost = Map.copyOf(baseUrlByHost);
        this.baseUrlByHost.values().forEach(BaseUrlHttpClient::checkBase);
    }

    /**
     * Verify v2 ({@code https://verify.twilio.com/v2/...}) to {@code baseUrl/v2/...}; all else to Twilio,
     * through the SDK's default {@link NetworkHttpClient} (so with its retries: see the tests).
     */
    public static BaseUrlHttpClient verifyAt(URI baseUrl) {
        return verifyAt(baseUrl, new NetworkHttpClient());
    }

    /** As {@link #verifyAt(URI)}, through the given client (e.g. one built without automatic retries). */
    public static BaseUrlHttpClient verifyAt(URI baseUrl, HttpClient delegate) {
        return new BaseUrlHttpClient(delegate, Map.of("verify.twilio.com", baseUrl));
    }

    @Override
    public Response makeRequest(Request request) {
        return delegate.makeRequest(route(request));
    }

    /** The request to send: {@code request} itself when its host is not rerouted, else a copy aimed at the base URL. */
    public Request route(Request request) {
        URL url = request.constructURL();
        URI base = baseFor(url.getHost());
        if (base == null) {
            return request;
        }
        String prefix = base.getRawPath() == null ? "" : stripTrailingSlash(base.getRawPath());
        String target = base.getScheme() + "://" + base.getRawAuthority() + prefix + url.getPath();
        return new Routed(request, target);
    }

    private URI baseFor(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        URI exact = baseUrlByHost.get(h);
        if (exact != null) {
            return exact;
        }
        // verify.us1.twilio.com, verify.dublin.ie1.twilio.com: the same product in a region or at an edge
        String product = h.substring(0, Math.max(0, h.indexOf('.')));
        if (h.endsWith(".twilio.com")) {
            return baseUrlByHost.get(product + ".twilio.com");
        }
        return null;
    }

    private static void checkBase(URI base) {
        if (!base.isAbsolute() || base.getRawAuthority() == null
                || !("http".equalsIgnoreCase(base.getScheme()) || "https".equalsIgnoreCase(base.getScheme()))) {
            throw new IllegalArgumentException("base URL must be absolute http(s): " + base);
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("base URL may not have a query or fragment: " + base);
        }
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A copy of an SDK request whose URL is used verbatim (no region/edge host rewriting). */
    static final class Routed extends Request {
        private final String target;

        Routed(Request original, String target) {
            super(original.getMethod(), target);
            this.target = target;
            if (original.getAuthStrategy() != null) {
                setAuth(original.getAuthStrategy());
            } else if (original.getUsername() != null) {
                setAuth(original.getUsername(), original.getPassword());
            }
            copy(original.getQueryParams(), this::addQueryParam);
            copy(original.getPostParams(), this::addPostParam);
            copy(original.getHeaderParams(), this::addHeaderParam);
            setContentType(original.getContentType());
            setBody(original.getBody());
            setFormParameters(original.getFormParameters());
            setUserAgentExtensions(original.getUserAgentExtensions());
        }

        @Override
        protected String buildURL() {
            return target; // path already percent-encoded by the SDK; query params are appended by constructURL()
        }

        private interface Adder {
            void add(String name, String value);
        }

        private static void copy(Map<String, List<String>> params, Adder adder) {
            params.forEach((name, values) -> values.forEach(value -> adder.add(name, value)));
        }
    }
}
