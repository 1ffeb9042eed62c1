package io.otpservice.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Rejects a declared body over 8 KiB before anything reads it, with a problem body; a chunked body
 * without Content-Length is cut by quarkus.http.limits.max-body-size.
 */
@Singleton
public class BodyLimit {

    public static final int MAX_BYTES = 8 * 1024;

    /** Encoded on the first refusal: Vert.x' JSON codec at class load was 5% of the start-up's CPU (JFR). */
    private static final class TooLarge {
        static final String BODY = Json.encode(Problem.of(new ApiException.PayloadTooLarge(MAX_BYTES)));
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLarge(length)) {
                rc.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(TooLarge.BODY);
                return;
            }
            rc.next();
        });
    }

    private static boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
