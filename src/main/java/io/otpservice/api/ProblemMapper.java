package io.otpservice.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.otpservice.delivery.receipt.ReceiptRejected;
import io.otpservice.store.StoreUnavailableException;
import io.otpservice.verification.VerificationException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.CharConversionException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The one place where failures become RFC 9457 problem answers. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,64}");

    @ServerExceptionMapper
    public Response lifecycle(VerificationException e) {
        return respond(Problem.of(e));
    }

    @ServerExceptionMapper
    public Response edge(ApiException e) {
        return respond(Problem.of(e));
    }

    @ServerExceptionMapper
    public Response receipt(ReceiptRejected e) {
        return respond(Problem.of(e));
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        return respond(Problem.of(e));
    }

    /** Jackson's binding errors; ahead of the built-in mapper, whose body echoes the input. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatch(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper(priority = 1)
    public Response json(JsonProcessingException e) {
        return edge(new ApiException.InvalidRequest("The body is not the JSON this endpoint takes.",
                List.of(jsonError(e))));
    }

    private final AllowedMethods allowed;

    public ProblemMapper(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    /** Jackson's encoding errors are IOExceptions, not JSON errors; BufferedBody refuses their bodies first. */
    @ServerExceptionMapper(priority = 1)
    public Response charset(CharConversionException e) {
        return edge(new ApiException.InvalidRequest("The body must be JSON encoded as UTF-8.",
                List.of(new FieldError("body", "is not UTF-8 JSON text"))));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        Problem problem = switch (status) {
            case 404 -> Problem.of("not-found", 404, "Not found", "No such endpoint.");
            case 405 -> Problem.of("method-not-allowed", 405, "Method not allowed",
                    "This endpoint does not take this method; see the Allow header.");
            case 413 -> Problem.of(new ApiException.PayloadTooLarge(BodyLimit.MAX_BYTES));
            case 415 -> Problem.of("unsupported-media-type", 415, "Unsupported media type",
                    e instanceof NotSupportedException ? "Send the body as application/json, in UTF-8." : "Unsupported media type.");
            case 406 -> Problem.of("not-acceptable", 406, "Not acceptable", "This endpoint answers "
                    + (uri.getPath().endsWith("/jwks.json") ? "application/jwk-set+json" : "application/json") + ".");
            default -> status >= 400 && status < 500
                    ? Problem.of(new ApiException.InvalidRequest("The request was not accepted.", List.of()))
                    : null;
        };
        if (problem == null) {
            return unexpected(e);
        }
        Response response = respond(problem);
        if (status == 405) {
            Set<String> methods = allowed.answering(uri.getPath());
            if (!methods.isEmpty()) {
                return Response.fromResponse(response).header(HttpHeaders.ALLOW, AllowedMethods.header(methods)).build();
            }
        }
        return response;
    }

    /**
     * Anything else is our bug: logged with the class and stack of each cause but without their
     * messages, which may quote the request (a parser's message often holds the input it refused).
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure " + e.getClass().getName(), Scrubbed.of(e));
        return respond(Problem.of("internal", 500, "Internal error", "An unexpected error occurred."));
    }

    static Response respond(Problem problem) {
        Response.ResponseBuilder builder = Response.status(problem.status()).entity(problem).type(Problem.MEDIA_TYPE);
        if (problem.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        if (problem.status() == 401) {
            // the scheme a 401 asks for (RFC 9110 §11.6.1, RFC 6750 §3)
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"otp-service\"");
        }
        return builder.build();
    }

    /** The field a JSON error is about, named only when the name is plain (the body's own text is never echoed). */
    private static FieldError jsonError(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return PLAIN_NAME.matcher(String.valueOf(u.getPropertyName())).matches()
                    ? new FieldError(u.getPropertyName(), "unknown field")
                    : new FieldError("body", "has an unknown field");
        }
        if (e instanceof JsonParseException || e.getCause() instanceof JsonParseException) {
            // a syntax error inside a field's value (a body cut off in a string) comes wrapped with its path
            return new FieldError("body", "malformed JSON");
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return PLAIN_NAME.matcher(field).matches() ? new FieldError(field, "wrong type: expected a string")
                    : new FieldError("body", "has a field of the wrong type");
        }
        return new FieldError("body", "malformed JSON");
    }
}
