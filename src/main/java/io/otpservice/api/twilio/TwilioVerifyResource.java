package io.otpservice.api.twilio;

import io.otpservice.api.ApiException;
import io.otpservice.api.CheckByRecipientRequest;
import io.otpservice.api.CheckRequest;
import io.otpservice.api.CreateVerificationRequest;
import io.otpservice.api.RequestValidator;
import io.otpservice.api.auth.Scope;
import io.otpservice.code.Hasher;
import io.otpservice.config.OtpConfig;
import io.otpservice.store.StoreUnavailableException;
import io.otpservice.store.StoredVerification;
import io.otpservice.store.VerificationId;
import io.otpservice.verification.CheckCommand;
import io.otpservice.verification.VerificationException;
import io.otpservice.verification.VerificationService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Twilio Verify v2, the calls apps make, on the same lifecycle as /v1: each method authenticates,
 * reads Twilio's form parameters into the v1 validator's request, runs one lifecycle pipeline and
 * answers in Twilio's JSON. Failures become Twilio's error body through the mappers below (and
 * {@link TwilioResponses} for the answers the shared mapper makes: unknown route, method, crash).
 */
@Path("/v2/Services/{serviceSid}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "twilio verify v2", description = "Twilio Verify v2 compatible calls: HTTP Basic (account SID, API key), form parameters, Twilio's JSON and error codes")
@APIResponse(responseCode = "400", description = "60200 invalid parameter; 60223 channel disabled",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TwilioError.class)))
@APIResponse(responseCode = "401", description = "20003: no or wrong credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TwilioError.class)))
@APIResponse(responseCode = "403", description = "20403: the key lacks the scope",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TwilioError.class)))
@APIResponse(responseCode = "404", description = "20404: unknown service, verification, or one that ended",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TwilioError.class)))
@APIResponse(responseCode = "503", description = "20503: Redis or every provider unavailable",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TwilioError.class)))
public class TwilioVerifyResource {

    private static final String TWILIO_ONLY_CHANNELS = "call|whatsapp|sna|auto|rcs";

    private final VerificationService lifecycle;
    private final RequestValidator validator;
    private final TwilioAuth auth;
    private final TwilioServices services;
    private final TwilioViews views;
    private final Hasher hasher;
    private final OtpConfig config;

    public TwilioVerifyResource(VerificationService lifecycle, RequestValidator validator, TwilioAuth auth,
                                TwilioServices services, TwilioViews views, Hasher hasher, OtpConfig config) {
        this.lifecycle = lifecycle;
        this.validator = validator;
        this.auth = auth;
        this.services = services;
        this.views = views;
        this.hasher = hasher;
        this.config = config;
    }

    /** A request past authentication and the service lookup. */
    private record Call(TwilioAuth.TwilioCaller caller, TwilioViews.Context context) {

        String purpose() {
            return context.service().policy().name();
        }
    }

    @Operation(summary = "Create a verification and send a code (To, Channel sms or email, Locale)")
    @APIResponse(responseCode = "201", description = "sent, or the live verification of this To (sent again once its cooldown is over)")
    @APIResponse(responseCode = "429", description = "60203 max sends, 60212 resend race, 20429 client limit; details.retry_after_seconds")
    @APIResponse(responseCode = "502", description = "20503: no provider could deliver the code; nothing was counted")
    @POST
    @Path("/Verifications")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<TwilioViews.Verification>> create(@RestPath String serviceSid, String body,
                                                              HttpServerRequest http, RoutingContext rc) {
        Call call = begin(serviceSid, rc, Scope.SEND);
        TwilioForm form = TwilioForm.parse(http.getHeader(HttpHeaders.CONTENT_TYPE), body);
        refuse(form, "CustomCode", "Amount", "Payee");
        String channel = channel(form.value("Channel"));
        var command = validator.create(new CreateVerificationRequest(form.value("To"), channel, call.purpose(),
                form.value("Locale"), null, form.value("DeviceIp")), call.caller().caller(), http);
        return lifecycle.create(command).map(created -> {
            StoredVerification v = created.verification();
            if (!created.sent() && v.sends() >= v.maxSends()) {
                // Twilio refuses a send beyond the limit; the live verification stays checkable
                throw TwilioException.maxSendAttempts(Duration.between(Instant.now(), v.expiresAt()));
            }
            String outcome = created.created() ? "created" : created.sent() ? "resent" : "existing";
            return RestResponse.status(RestResponse.Status.CREATED, views.verification(v, call.context(), outcome));
        });
    }

    @Operation(summary = "Check a code (Code, and To or VerificationSid)")
    @APIResponse(responseCode = "200", description = "approved (valid: true), or a wrong code: pending or max_attempts_reached, valid: false")
    @APIResponse(responseCode = "429", description = "60202: no attempts remain, or the recipient's failed-check budget is spent")
    @POST
    @Path("/VerificationCheck")
    @Consumes(MediaType.WILDCARD)
    public Uni<TwilioViews.Check> check(@RestPath String serviceSid, String body, HttpServerRequest http, RoutingContext rc) {
        Call call = begin(serviceSid, rc, Scope.CHECK);
        TwilioForm form = TwilioForm.parse(http.getHeader(HttpHeaders.CONTENT_TYPE), body);
        refuse(form, "Amount", "Payee");
        String sid = form.value("VerificationSid");
        String to = form.value("To");
        if (sid == null && to == null) {
            throw TwilioException.invalidParameter("To");
        }
        Uni<VerificationService.Approval> checked;
        if (to != null) {
            RequestValidator.ByRecipient byRecipient = validator.checkByRecipient(
                    new CheckByRecipientRequest(to, call.purpose(), form.value("Code"), null));
            CheckCommand command = byRecipient.check();
            checked = sid == null ? lifecycle.checkByRecipient(byRecipient.recipient(), call.purpose(), command)
                    // both: the sid names it, and To must be its recipient
                    : inService(verificationId(sid), call).map(v -> {
                        byte[] stored = v.recipientHash().getBytes(StandardCharsets.US_ASCII);
                        // under any configured secret: the verification may be from before a rotation
                        if (hasher.recipientHashCandidates(byRecipient.recipient().normalised()).stream().noneMatch(
                                name -> MessageDigest.isEqual(stored, name.getBytes(StandardCharsets.US_ASCII)))) {
                            throw new VerificationException.NotFound();
                        }
                        return v.id();
                    }).chain(id -> lifecycle.check(id, command));
        } else {
            CheckCommand command = validator.check(new CheckRequest(form.value("Code"), null));
            checked = inService(verificationId(sid), call).chain(v -> lifecycle.check(v.id(), command));
        }
        return checked.map(approval -> views.approvedCheck(approval.verification(), call.context()))
                // Twilio answers a wrong code as a check that is not valid, with the status it left: taken from
                // the check's own result, since a right code checked meanwhile may have approved the verification
                .onFailure(VerificationException.IncorrectCode.class).recoverWithUni(failure -> {
                    VerificationException.IncorrectCode wrong = (VerificationException.IncorrectCode) failure;
                    return lifecycle.get(wrong.verification())
                            .map(v -> views.wrongCheck(v, call.context(), wrong.attemptsRemaining()));
                });
    }

    @Operation(summary = "Fetch a verification")
    @APIResponse(responseCode = "200", description = "the verification, with its status until it expires")
    @GET
    @Path("/Verifications/{sid}")
    public Uni<TwilioViews.Verification> fetch(@RestPath String serviceSid, @RestPath String sid, RoutingContext rc) {
        Call call = begin(serviceSid, rc, Scope.READ);
        return inService(verificationId(sid), call)
                .map(v -> views.verification(v, call.context(), TwilioViews.status(v)));
    }

    @Operation(summary = "Update a verification: Status=canceled, or approved (scope verify:approve)")
    @APIResponse(responseCode = "200", description = "canceled or approved")
    @POST
    @Path("/Verifications/{sid}")
    @Consumes(MediaType.WILDCARD)
    public Uni<TwilioViews.Verification> update(@RestPath String serviceSid, @RestPath String sid, String body,
                                                HttpServerRequest http, RoutingContext rc) {
        Call call = begin(serviceSid, rc, null);
        TwilioForm form = TwilioForm.parse(http.getHeader(HttpHeaders.CONTENT_TYPE), body);
        String status = form.value("Status");
        boolean approve = "approved".equals(status);
        if (!approve && !"canceled".equals(status)) {
            throw TwilioException.invalidParameter("Status");
        }
        call.caller().require(approve ? Scope.APPROVE : Scope.CANCEL);
        VerificationId id = verificationId(sid);
        return inService(id, call)
                .chain(v -> approve ? lifecycle.approve(id, call.caller().caller().name()) : lifecycle.cancel(id))
                .chain(() -> lifecycle.get(id))
                .map(v -> views.verification(v, call.context(), status));
    }

    @Operation(summary = "Fetch the service: its friendly name and code length")
    @APIResponse(responseCode = "200", description = "the service")
    @GET
    public Uni<TwilioViews.Service> service(@RestPath String serviceSid, RoutingContext rc) {
        Call call = begin(serviceSid, rc, Scope.READ);
        return Uni.createFrom().item(views.service(call.context()));
    }

    @ServerExceptionMapper
    public Response twilio(TwilioException e) {
        return TwilioErrors.respond(TwilioErrors.of(e));
    }

    @ServerExceptionMapper
    public Response lifecycle(VerificationException e, UriInfo uri) {
        return TwilioErrors.respond(TwilioErrors.of(e, uri.getPath().substring("/v2".length())));
    }

    @ServerExceptionMapper
    public Response edge(ApiException e) {
        return TwilioErrors.respond(TwilioErrors.of(e));
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        return TwilioErrors.respond(TwilioErrors.of(new VerificationException.Unavailable(Duration.ofSeconds(1)), null));
    }

    /** Authentication (401), then the scope when the call alone decides it (403), then the service (404). */
    private Call begin(String serviceSid, RoutingContext rc, String scope) {
        HttpServerRequest http = rc.request();
        TwilioAuth.TwilioCaller caller = auth.authenticate(rc); // found by TwilioStrangers before the match
        if (scope != null) {
            caller.require(scope);
        }
        TwilioServices.Service service = services.find(serviceSid)
                .orElseThrow(() -> TwilioException.notFound(http.path().substring("/v2".length())));
        return new Call(caller, new TwilioViews.Context(caller.accountSid(), service, baseUrl(http)));
    }

    /** The verification if the service may see it: one of its purpose, not past its TTL; else 20404. */
    private Uni<StoredVerification> inService(VerificationId id, Call call) {
        return lifecycle.get(id).map(v -> {
            if (!v.purpose().equals(call.purpose())) {
                throw new VerificationException.NotFound();
            }
            return v;
        });
    }

    /** Our channel for Twilio's: sms and email, when offered; Twilio's others are disabled channels (60223). */
    private String channel(String twilio) {
        if (twilio == null) {
            throw TwilioException.invalidParameter("Channel");
        }
        boolean offered = switch (twilio) {
            case "sms" -> config.sms().enabled();
            case "email" -> config.email().enabled();
            default -> {
                if (twilio.matches(TWILIO_ONLY_CHANNELS)) {
                    yield false;
                }
                throw TwilioException.invalidParameter("Channel");
            }
        };
        if (!offered) {
            throw TwilioException.channelDisabled(twilio);
        }
        return twilio;
    }

    /** Parameters we cannot honour and must not silently drop: a caller-chosen code, PSD2 amount and payee. */
    private static void refuse(TwilioForm form, String... names) {
        for (String name : names) {
            if (form.has(name)) {
                throw TwilioException.invalidParameter(name);
            }
        }
    }

    private static VerificationId verificationId(String sid) {
        return VerificationId.parse(sid).orElseThrow(VerificationException.NotFound::new);
    }

    /** otp.public-url, else the scheme and authority this request came to (proxy-resolved when forwarding is on). */
    private String baseUrl(HttpServerRequest http) {
        return config.publicUrl().orElseGet(() -> {
            try {
                URI uri = URI.create(http.absoluteURI());
                return uri.getScheme() + "://" + uri.getRawAuthority();
            } catch (RuntimeException e) {
                return "http://localhost";
            }
        });
    }
}
