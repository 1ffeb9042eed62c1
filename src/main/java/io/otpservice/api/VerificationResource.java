package io.otpservice.api;

import io.otpservice.api.auth.CurrentCaller;
import io.otpservice.api.auth.Scope;
import io.otpservice.store.VerificationId;
import io.otpservice.verification.IdempotentCreates;
import io.otpservice.verification.VerificationException;
import io.otpservice.verification.VerificationService;
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
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/**
 * The verification API (v1). Each method: validate, one lifecycle pipeline, respond. The answers
 * every method shares (400, 401, 403, 503) are annotated once, on the class; {@link SharedProblemResponses}
 * gives every error answer its problem body.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "verifications")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "400", description = "invalid-request: malformed JSON, a bad field (see errors)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key")
@APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope")
@APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow; Retry-After")
public class VerificationResource {

    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final VerificationService service;
    private final IdempotentCreates creates;
    private final RequestValidator validator;
    private final CurrentCaller caller;

    public VerificationResource(VerificationService service, IdempotentCreates creates, RequestValidator validator,
                                CurrentCaller caller) {
        this.service = service;
        this.creates = creates;
        this.validator = validator;
        this.caller = caller;
    }

    @Operation(summary = "Create a verification and send a code")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, required = false,
            description = "1-255 printable ASCII characters, given once: the same key within its TTL answers the first response again")
    @APIResponse(responseCode = "201", description = "created and sent")
    @APIResponse(responseCode = "200", description = "the live verification of this recipient, purpose and session")
    @APIResponse(responseCode = "409", description = "idempotency-conflict: the Idempotency-Key is in flight or was used for another request")
    @APIResponse(responseCode = "413", description = "payload-too-large: body over 8 KiB")
    @APIResponse(responseCode = "422", description = "channel-not-allowed: channel disabled, SMS country not allowed, or a blocked number type (errors on to)")
    @APIResponse(responseCode = "429", description = "rate-limited: prefix-guard, country-sends, api-key-creates, client-creates, recipient-failures or recipient-sends; Retry-After")
    @APIResponse(responseCode = "502", description = "delivery-failed: no provider could deliver the code")
    @POST
    @Path("/verifications")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.SEND)
    public Uni<RestResponse<VerificationView>> create(CreateVerificationRequest body, HttpServerRequest http) {
        String idempotencyKey = idempotencyKey(http);
        return creates.create(validator.create(body, caller.get(), http), idempotencyKey).map(result -> {
            VerificationView view = VerificationView.of(result.verification());
            return result.created()
                    ? RestResponse.ResponseBuilder.<VerificationView>created(URI.create("/v1/verifications/" + view.id()))
                            .entity(view).build()
                    : RestResponse.ok(view);
        });
    }

    @Operation(summary = "Read a verification (never its code)")
    @APIResponse(responseCode = "200", description = "the verification")
    @APIResponse(responseCode = "404", description = "not-found: unknown id or past its TTL")
    @GET
    @Path("/verifications/{id}")
    @Scope(Scope.READ)
    public Uni<VerificationView> get(@RestPath String id) {
        return service.get(verificationId(id)).map(VerificationView::of);
    }

    @Operation(summary = "Send a new code for a pending verification")
    @APIResponse(responseCode = "200", description = "resent")
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled, approved or failed")
    @APIResponse(responseCode = "429", description = "resend-too-soon (cooldown) or rate-limited (prefix-guard, country-sends, verification-sends, recipient-sends); Retry-After")
    @APIResponse(responseCode = "502", description = "delivery-failed: the previous code stays valid")
    @POST
    @Path("/verifications/{id}/resend")
    @Scope(Scope.SEND)
    public Uni<VerificationView> resend(@RestPath String id) {
        return service.resend(verificationId(id)).map(VerificationView::of);
    }

    @Operation(summary = "Check a code")
    @APIResponse(responseCode = "200", description = "approved, with the signed token")
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled or already approved")
    @APIResponse(responseCode = "422", description = "incorrect-code: wrong code or session; attemptsRemaining")
    @APIResponse(responseCode = "429", description = "too-many-attempts (the verification failed) or rate-limited (recipient-failures); Retry-After")
    @POST
    @Path("/verifications/{id}/check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> check(@RestPath String id, CheckRequest body) {
        VerificationId verification = verificationId(id);
        return service.check(verification, validator.check(body)).map(VerificationView::of);
    }

    @Operation(summary = "Check a code of the live verification of a recipient and purpose")
    @APIResponse(responseCode = "200", description = "approved, with the signed token")
    @APIResponse(responseCode = "404", description = "not-found: no live verification")
    @APIResponse(responseCode = "422", description = "incorrect-code: wrong code or session; attemptsRemaining")
    @APIResponse(responseCode = "429", description = "too-many-attempts or rate-limited (recipient-failures); Retry-After")
    @POST
    @Path("/verification-checks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Scope(Scope.CHECK)
    public Uni<VerificationView> checkByRecipient(CheckByRecipientRequest body) {
        RequestValidator.ByRecipient request = validator.checkByRecipient(body);
        return service.checkByRecipient(request.recipient(), request.policy().name(), request.check())
                .map(VerificationView::of);
    }

    @Operation(summary = "Cancel a pending verification")
    @APIResponse(responseCode = "204", description = "canceled")
    @APIResponse(responseCode = "404", description = "not-found: unknown, expired, canceled or approved")
    @DELETE
    @Path("/verifications/{id}")
    @Scope(Scope.CANCEL)
    public Uni<RestResponse<Void>> cancel(@RestPath String id) {
        return service.cancel(verificationId(id)).map(nothing -> RestResponse.noContent());
    }

    /** An id from the path; a malformed one is as unknown as any other. */
    private static VerificationId verificationId(String id) {
        return VerificationId.parse(id).orElseThrow(VerificationException.NotFound::new);
    }

    /**
     * The optional Idempotency-Key: absent is no key; empty, repeated or malformed is a 400 (read from
     * the raw headers: Quarkus REST's @RestHeader took an empty header for an absent one).
     */
    private static String idempotencyKey(HttpServerRequest http) {
        String key = RequestHeaders.single(http, IDEMPOTENCY_KEY);
        if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !RequestHeaders.visibleAscii(key))) {
            throw new ApiException.InvalidRequest("The Idempotency-Key header is not valid.", List.of(
                    new FieldError(IDEMPOTENCY_KEY, "must be given once, as 1-" + MAX_IDEMPOTENCY_KEY
                            + " printable ASCII characters")));
        }
        return key;
    }
}
