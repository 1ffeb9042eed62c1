package io.otpservice.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/** The HTTP APIs of the SMS providers, as reactive REST clients (built with their base-url). */
final class ProviderApis {

    private ProviderApis() {
    }

    /** A client of {@code api} at {@code baseUrl}. The senders' @Timeout bounds each call; these only back it up. */
    static <T> T client(Class<T> api, String baseUrl) {
        return QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(baseUrl))
                .connectTimeout(2, TimeUnit.SECONDS).readTimeout(15, TimeUnit.SECONDS).build(api);
    }

    /** Twilio Messages API: form fields, HTTP Basic with the account SID and auth token. */
    @Path("/2010-04-01/Accounts/{accountSid}/Messages.json")
    interface Twilio {
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.APPLICATION_JSON)
        Uni<Response> send(@PathParam("accountSid") String accountSid,
                           @HeaderParam("Authorization") String authorization,
                           MultivaluedMap<String, String> form);
    }

    /** Vonage SMS API: form fields with api_key and api_secret; answers 200 with a status per message part. */
    @Path("/sms/json")
    interface Vonage {
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.APPLICATION_JSON)
        Uni<JsonNode> send(MultivaluedMap<String, String> form);
    }

    /** The generic webhook: the signed JSON body goes to the configured URL as it is. */
    @Path("")
    interface Webhook {
        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        Uni<Response> send(@HeaderParam(WebhookSignature.TIMESTAMP_HEADER) String timestamp,
                           @HeaderParam(WebhookSignature.SIGNATURE_HEADER) String signature,
                           String body);
    }
}
