package io.otpservice.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.otpservice.store.StoreUnavailableException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** The one place where failures become RFC 9457 problems. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        Response.ResponseBuilder builder = Response.status(e.status()).entity(Problem.of(e)).type(Problem.MEDIA_TYPE);
        if (e.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        return domain(new DomainException.Unavailable());
    }

    /** Jackson's binding errors; ahead of the built-in mapper, whose body echoes the input. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatch(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper(priority = 1)
    public Response json(JsonProcessingException e) {
        return domain(new DomainException.InvalidRequest("The body is not the JSON this endpoint takes.",
                List.of(jsonError(e))));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        DomainException mapped = switch (status) {
            case 404 -> new DomainException.NotFound("No such endpoint.");
            case 405 -> new DomainException.HttpError("method-not-allowed", 405, "Method not allowed",
                    "This endpoint does not take this method; see the Allow header.");
            case 413 -> new DomainException.PayloadTooLarge(BodyLimit.MAX_BYTES);
            case 415 -> new DomainException.HttpError("unsupported-media-type", 415, "Unsupported media type",
                    e instanceof NotSupportedException ? "Send the body as application/json." : "Unsupported media type.");
            case 406 -> new DomainException.HttpError("not-acceptable", 406, "Not acceptable",
                    "This endpoint answers application/json.");
            default -> status >= 400 && status < 500
                    ? new DomainException.InvalidRequest("The request was not accepted.", List.of())
                    : null;
        };
        if (mapped == null) {
            return unexpected(e);
        }
        Response response = domain(mapped);
        if (status == 405 && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            return Response.fromResponse(response)
                    .header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW)).build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (e instanceof DomainException d) {
            return domain(d);
        }
        LOG.error("Unexpected failure", e);
        Problem problem = new Problem("https://otp-service.dev/problems/internal", "Internal error", 500,
                "An unexpected error occurred.", "internal", null, null, null, null);
        return Response.serverError().entity(problem).type(Problem.MEDIA_TYPE).build();
    }

    private static FieldError jsonError(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return new FieldError(u.getPropertyName(), "unknown field");
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return new FieldError(field, "wrong type: expected a string");
        }
        return new FieldError("body", "malformed JSON");
    }
}
