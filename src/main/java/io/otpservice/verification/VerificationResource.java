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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/** The verification API (SPEC section 3). Each method: validate, one service pipeline, respond. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "verifications")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "apiKey")
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

    @Operation(summary = "Create a verification and send a code")
    @APIResponse(responseCode = "201", description = "created and sent")
    @APIResponse(responseCode = "200", description = "the live verification of this recipient, purpose and session")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "idempotency-conflict: the Idempotency-Key is in flight or was used for another request", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "payload-too-large: body over 8 KiB", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "channel-not-allowed: channel disabled or SMS country not allowed", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "rate-limited: recipient-sends, recipient-failures or client-creates; Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "delivery-failed: no provider could deliver the code", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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

    @Operation(summary = "Read a verification (never its code)")
    @APIResponse(responseCode = "200", description = "the verification")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "not-found: unknown id or past its TTL", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("/verifications/{id}")
    @Scope(Scope.READ)
    public Uni<VerificationView> get(@RestPath String id) {
        return service.get(id);
    }

    @Operation(summary = "Send a new code for a pending verification")
    @APIResponse(responseCode = "200", description = "resent")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled, approved or failed", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "resend-too-soon (cooldown) or rate-limited (verification-sends, recipient-sends); Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "delivery-failed: the previous code stays valid", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("/verifications/{id}/resend")
    @Scope(Scope.SEND)
    public Uni<VerificationView> resend(@RestPath String id) {
        return service.resend(id);
    }

    @Operation(summary = "Check a code")
    @APIResponse(responseCode = "200", description = "approved, with the signed token")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled or already approved", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "incorrect-code: wrong code or session; attemptsRemaining", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "too-many-attempts (the verification failed) or rate-limited (recipient-failures); Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("/verifications/{id}/check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> check(@RestPath String id, CheckRequest body) {
        return service.check(id, validator.check(body));
    }

    @Operation(summary = "Check a code of the live verification of a recipient and purpose")
    @APIResponse(responseCode = "200", description = "approved, with the signed token")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "not-found: no live verification", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "incorrect-code: wrong code or session; attemptsRemaining", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "too-many-attempts or rate-limited (recipient-failures); Retry-After", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("/verification-checks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> checkByRecipient(CheckByRecipientRequest body) {
        return service.checkByRecipient(validator.checkByRecipient(body));
    }

    @Operation(summary = "Cancel a pending verification")
    @APIResponse(responseCode = "204", description = "canceled")
    @APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled or approved", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
