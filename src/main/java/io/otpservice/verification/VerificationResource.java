package io.otpservice.verification;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/** The verification API (SPEC section 3). Each method: validate, one service pipeline, respond. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class VerificationResource {

    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final VerificationService service;
    private final RequestValidator validator;
    private final CurrentCaller caller;

    public VerificationResource(VerificationService service, RequestValidator validator, CurrentCaller caller) {
        this.service = service;
        this.validator = validator;
        this.caller = caller;
    }

    @POST
    @Path("/verifications")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.SEND)
    public Uni<RestResponse<VerificationView>> create(CreateVerificationRequest body,
                                                      @RestHeader("Idempotency-Key") String idempotencyKey,
                                                      HttpServerRequest http) {
        checkIdempotencyKey(idempotencyKey);
        CreateCommand command = validator.create(body, caller.get(), http);
        return service.create(command, caller.get(), idempotencyKey).map(result -> result.created()
                ? RestResponse.ResponseBuilder.<VerificationView>created(
                        URI.create("/v1/verifications/" + result.verification().id()))
                        .entity(result.verification()).build()
                : RestResponse.ok(result.verification()));
    }

    @GET
    @Path("/verifications/{id}")
    @Scope(Scope.READ)
    public Uni<VerificationView> get(@RestPath String id) {
        return service.get(id);
    }

    @POST
    @Path("/verifications/{id}/resend")
    @Scope(Scope.SEND)
    public Uni<VerificationView> resend(@RestPath String id) {
        return service.resend(id);
    }

    @POST
    @Path("/verifications/{id}/check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> check(@RestPath String id, CheckRequest body) {
        return service.check(id, validator.check(body));
    }

    @POST
    @Path("/verification-checks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> checkByRecipient(CheckByRecipientRequest body) {
        return service.checkByRecipient(validator.checkByRecipient(body));
    }

    @DELETE
    @Path("/verifications/{id}")
    @Scope(Scope.CANCEL)
    public Uni<RestResponse<Void>> cancel(@RestPath String id) {
        return service.cancel(id).map(nothing -> RestResponse.noContent());
    }

    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c > 32 && c < 127))) {
            throw new DomainException.InvalidRequest("The Idempotency-Key header is not valid.", List.of(
                    new FieldError("Idempotency-Key", "must be 1-" + MAX_IDEMPOTENCY_KEY + " printable ASCII characters")));
        }
    }
}
