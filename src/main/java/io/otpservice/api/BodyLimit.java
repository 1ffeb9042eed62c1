package io.otpservice.api;

import io.netty.util.AsciiString;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first route of every request: the request line and headers are checked against our limits and
 * the headers Quarkus REST would choke on or read one of two (a missing Host or two, a Content-Type that
 * is no media type or two), then
 * the whole body is read and counted here, however it is framed (Content-Length or chunked; the API
 * port speaks HTTP/1.1 only). Over {@value #MAX_BYTES} bytes is a 413 problem and nothing else runs, so no resource method
 * (a DELETE that ignores its body included) can act before the limit holds. A body within the limit is
 * handed to Quarkus REST by {@link BufferedBody}. Netty's own, larger limits on the request line and
 * headers stay bare (see the README's Security section).
 */
@Singleton
public class BodyLimit {

    public static final int MAX_BYTES = 8 * 1024;
    /** Longest request target (path and query) answered with a problem; Netty's bare 414 starts at a 4 KiB line. */
    static final int MAX_URI = 2048;
    /** Most header bytes answered with a problem; Netty's bare 431 starts at 20 KiB (quarkus.http.limits.max-header-size). */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** After a refusal, this much more of the body is read and dropped (so the answer is not lost to a reset), then the connection closes. */
    private static final int DRAIN_BYTES = 64 * 1024;
    /** Where the body read here waits for {@link BufferedBody}. */
    static final String BODY = "otp.body";
    /** Set once {@link #check} ran: a failure without it happened in Vert.x Web before any route. */
    private static final String CHECKED = "otp.checked";
    /** The {@code uri} tag of the HTTP metrics for every refusal here: the raw path would be one series per path sent. */
    static final String REFUSED_TEMPLATE = "REFUSED";
    /** A type/subtype followed by spaces before its first parameter. */
    private static final Pattern SPACE_BEFORE_PARAMETERS = Pattern.compile("^([^;\"]*?)[ \t]+;");
    /** How long a refused connection may stay open for the client to read the answer. */
    private static final long CLOSE_AFTER_MS = 1000;

    /** The refusals, encoded on the first refusal: Vert.x' JSON codec at class load was 5% of the start-up's CPU (JFR). */
    private record Refusal(Problem problem, String json) {
        static final Refusal TOO_LARGE = of(Problem.of(new ApiException.PayloadTooLarge(MAX_BYTES)));
        static final Refusal URI_TOO_LONG = of(Problem.of("uri-too-long", 414, "URI too long",
                "The request target is over " + MAX_URI + " characters."));
        static final Refusal HEADERS_TOO_LARGE = of(Problem.of("headers-too-large", 431,
                "Request header fields too large", "The request headers are over " + MAX_HEADER_BYTES + " bytes."));
        static final Refusal BAD_FRAMING = of(Problem.of(new ApiException.InvalidRequest(
                "The body must be framed by one Content-Length of digits or by Transfer-Encoding: chunked.",
                List.of())));
        static final Refusal BAD_HOST = of(Problem.of(new ApiException.InvalidRequest(
                "The request must have one Host header naming a host (and port).", List.of())));
        static final Refusal BAD_TARGET = of(Problem.of(new ApiException.InvalidRequest(
                "The request target must be a path starting with /.", List.of())));
        static final Refusal ENCODED_BODY = of(Problem.of("unsupported-media-type", 415, "Unsupported media type",
                "The body must be sent as it is, without a Content-Encoding such as gzip."));
        static final Refusal PATTERN_CONTENT_TYPE = of(Problem.of("unsupported-media-type", 415, "Unsupported media type",
                "The Content-Type must name the body's media type, such as application/json; a pattern such as */* or"
                        + " application/* is for Accept."));
        static final Refusal BAD_CONTENT_TYPE = of(Problem.of(new ApiException.InvalidRequest(
                "The request may have one Content-Type header, a media type such as application/json.", List.of())));

        static Refusal of(Problem problem) {
            return new Refusal(problem, Json.encode(problem));
        }
    }

    private final List<RefusalFormat> formats;

    BodyLimit(Instance<RefusalFormat> formats) {
        this.formats = formats.stream().toList();
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::check).failureHandler(this::failedBeforeUs);
    }

    /**
     * Vert.x Web fails a request whose Host (or HTTP/2 {@code :authority}) is missing or no authority
     * before any route runs; Quarkus' error handler would answer a bare 400 and log an ERROR line per
     * request. A problem instead, logged as a request line. Failures after our first route (marked
     * {@link #CHECKED}) go on to the error handler.
     */
    private void failedBeforeUs(RoutingContext rc) {
        if (rc.get(CHECKED) == null && rc.statusCode() >= 400 && rc.statusCode() < 500) {
            // Vert.x Web also fails a target that is no path (OPTIONS *, a path without its leading /)
            String target = rc.request().uri();
            refuse(rc, target == null || !target.startsWith("/") ? Refusal.BAD_TARGET : Refusal.BAD_HOST);
        } else {
            rc.next();
        }
    }

    private void check(RoutingContext rc) {
        rc.put(CHECKED, Boolean.TRUE);
        HttpServerRequest request = rc.request();
        if (request.uri().length() > MAX_URI) {
            refuse(rc, Refusal.URI_TOO_LONG);
            return;
        }
        if (headerBytes(request) > MAX_HEADER_BYTES) {
            refuse(rc, Refusal.HEADERS_TOO_LARGE);
            return;
        }
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) {
            refuse(rc, Refusal.BAD_HOST); // RFC 9112 §3.2: two readers could take different hosts
            return;
        }
        List<String> types = request.headers().getAll(HttpHeaders.CONTENT_TYPE);
        // Quarkus REST would throw parsing a malformed one (a 500), and take the first of two
        if (types.size() > 1 || types.size() == 1 && !isMediaType(types.getFirst())) {
            refuse(rc, Refusal.BAD_CONTENT_TYPE);
            return;
        }
        if (types.size() == 1) {
            // RFC 9110 §8.3.1 allows spaces before the ';' of a parameter; Quarkus REST would read them into
            // the subtype ("json ") and answer 415
            String type = types.getFirst();
            String tidy = SPACE_BEFORE_PARAMETERS.matcher(type).replaceFirst("$1;");
            if (!tidy.equals(type)) {
                request.headers().set(HttpHeaders.CONTENT_TYPE, tidy);
            }
        }
        List<String> encodings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
        // Netty has already refused a malformed or conflicting Content-Length (a bare 400) on HTTP/1.x
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared = length == null ? 0 : declaredLength(length);
        if (declared < 0 || !encodings.isEmpty()
                && !(encodings.size() == 1 && AsciiString.contentEqualsIgnoreCase("chunked", encodings.getFirst().strip()))) {
            refuse(rc, Refusal.BAD_FRAMING);
            return;
        }
        if (declared > MAX_BYTES) {
            refuse(rc, Refusal.TOO_LARGE);
            return;
        }
        if ((declared > 0 || !encodings.isEmpty()) && types.size() == 1 && isPattern(types.getFirst())) {
            // Quarkus REST would match */* or application/* to any reader and parse the body as JSON
            refuse(rc, Refusal.PATTERN_CONTENT_TYPE);
            return;
        }
        List<String> codings = request.headers().getAll(HttpHeaders.CONTENT_ENCODING);
        // a body: nothing here decodes one (RFC 9110 §8.4: 415); read as it is, it would be read otherwise than sent
        if ((declared > 0 || !encodings.isEmpty()) && !codings.isEmpty() && !(codings.size() == 1
                && AsciiString.contentEqualsIgnoreCase("identity", codings.getFirst().strip()))) {
            refuse(rc, Refusal.ENCODED_BODY);
            return;
        }
        if (!encodings.isEmpty()) {
            // RFC 9112 §6.3: a request framed by Transfer-Encoding may also have had a Content-Length (which
            // Netty drops before we see it), and a proxy in front may have framed it by that instead; the
            // connection must close after the answer, so nothing after this body is read as a request
            HttpConnection connection = request.connection();
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
            rc.addEndHandler(ended -> connection.close());
        }
        if (length == null && encodings.isEmpty()) {
            rc.next(); // HTTP/1.x without either header has no body (RFC 9112 §6.3)
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && AsciiString.contentEqualsIgnoreCase("100-continue", expect)) {
            // read here, so answered here; Quarkus REST must not send a second 100 once the body is in
            rc.response().writeContinue();
            request.headers().remove(HttpHeaders.EXPECT);
        }
        new Reader(rc).start();
    }

    /** Reads one body, counting; hands it on at its end, or refuses once it passes the limit. */
    private final class Reader implements Handler<Buffer> {
        private final RoutingContext rc;
        private final Buffer body = Buffer.buffer();
        private boolean refused;
        private long dropped;

        Reader(RoutingContext rc) {
            this.rc = rc;
        }

        void start() {
            HttpServerRequest request = rc.request();
            // a client that breaks off mid-body is counted (status RESET) under this, not under the path it sent
            HttpMetricsTemplate.set(REFUSED_TEMPLATE);
            request.handler(this);
            request.endHandler(end -> {
                if (refused) {
                    request.connection().close();
                } else {
                    HttpMetricsTemplate.clear();
                    rc.put(BODY, body);
                    rc.next();
                }
            });
            // a connection that breaks mid-body has nobody to answer
            request.exceptionHandler(failure -> refused = true);
            request.resume();
        }

        @Override
        public void handle(Buffer chunk) {
            if (refused) {
                dropped += chunk.length();
                if (dropped > DRAIN_BYTES) {
                    rc.request().connection().close();
                }
            } else if (body.length() + chunk.length() > MAX_BYTES) {
                refused = true;
                refuse(rc, Refusal.TOO_LARGE);
            } else {
                body.appendBuffer(chunk);
            }
        }
    }

    private void refuse(RoutingContext rc, Refusal refusal) {
        HttpServerRequest request = rc.request();
        Problem problem = refusal.problem();
        RefusalFormat format = formatOf(request.path());
        if (format == null) {
            RequestLog.refused(request.method().name(), request.path(), problem.status(), problem.code());
        } else {
            format.logRefused(request.method().name(), request.path(), problem.status(), problem.code());
        }
        HttpMetricsTemplate.set(REFUSED_TEMPLATE);
        if (!rc.response().ended()) {
            HttpConnection connection = request.connection();
            rc.response().setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, format == null ? Problem.MEDIA_TYPE : format.contentType())
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(format == null ? refusal.json() : format.body(problem))
                    // a client that sends nothing more (the rest of a body it announced) must not hold the connection
                    .onComplete(written -> rc.vertx().setTimer(CLOSE_AFTER_MS, id -> connection.close()));
        }
    }

    private RefusalFormat formatOf(String path) {
        if (path != null) {
            for (RefusalFormat format : formats) {
                if (format.covers(path)) {
                    return format;
                }
            }
        }
        return null;
    }

    /** Whether Quarkus REST can read the header as a media type (its own parser, as it will). */
    private static boolean isMediaType(String value) {
        try {
            MediaType.valueOf(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A media range ({@code * /*}, {@code text/*}) where a media type belongs; checked after {@link #isMediaType}. */
    private static boolean isPattern(String value) {
        MediaType type = MediaType.valueOf(value);
        return type.isWildcardType() || type.isWildcardSubtype();
    }

    /** A Content-Length as digits only, else -1. */
    private static long declaredLength(String value) {
        String digits = value.strip();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    private static long headerBytes(HttpServerRequest request) {
        long total = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            total += header.getKey().length() + header.getValue().length() + 4; // ": " and CRLF
        }
        return total;
    }
}
