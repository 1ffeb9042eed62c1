package io.otpservice.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The path template under which Quarkus' HTTP metrics count the current request ({@code uri} tag of
 * {@code http_server_requests_seconds}). Quarkus REST sets it for a request it matched to a resource
 * method; a request answered before that (refused by {@link BodyLimit}, an OPTIONS, a 405) would be
 * counted under its raw path, and anyone could then fill the metrics with one series per path sent.
 */
final class HttpMetricsTemplate {

    /** The context-local key Quarkus' Micrometer binder reads the template from. */
    private static final String KEY = "UrlPathTemplate";

    private HttpMetricsTemplate() {
    }

    static void set(String template) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal(KEY, template);
        }
    }

    /** Back to none, so Quarkus REST's own (or NOT_FOUND) applies. */
    static void clear() {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.removeLocal(KEY);
        }
    }
}
