package io.otpservice.api;

import io.otpservice.delivery.receipt.Callbacks;
import io.otpservice.delivery.receipt.IncomingReceipt;
import io.otpservice.verification.DeliveryReceipts;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Delivery receipts from the providers. No API key: each request is checked by its provider's
 * signature instead (Twilio, Vonage, the webhook provider's HMAC).
 */
@Path(Callbacks.PATH)
@Tag(name = "delivery receipts")
public class DeliveryCallbackResource {

    private final DeliveryReceipts receipts;

    public DeliveryCallbackResource(DeliveryReceipts receipts) {
        this.receipts = receipts;
    }

    @Operation(summary = "A provider's delivery receipt (signature-checked; no API key)")
    @APIResponse(responseCode = "204", description = "accepted (a receipt about an unknown or older send changes nothing)")
    @APIResponse(responseCode = "400", description = "invalid-request: the body cannot be read")
    @APIResponse(responseCode = "403", description = "forbidden: the signature is missing, stale or wrong; nothing changed")
    @APIResponse(responseCode = "404", description = "not-found: no such provider is configured")
    @POST
    @Path("/{provider}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Void>> receipt(@RestPath String provider, byte[] body, HttpServerRequest http) {
        String absolute = String.valueOf(http.absoluteURI());
        String requestUrl = absolute.contains("?") ? absolute.substring(0, absolute.indexOf('?')) : absolute;
        IncomingReceipt incoming = IncomingReceipt.of(RequestHeaders.single(http, HttpHeaders.CONTENT_TYPE), body,
                name -> RequestHeaders.single(http, name), requestUrl, http.query());
        return receipts.accept(provider, incoming).replaceWith(RestResponse.noContent());
    }
}
