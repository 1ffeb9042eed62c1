package io.otpservice.api;

import io.otpservice.token.TokenIssuer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** The public keys of the tokens, for backends that verify them offline. No API key needed. */
@Path("/.well-known/jwks.json")
public class JwksResource {

    private final TokenIssuer tokens;

    public JwksResource(TokenIssuer tokens) {
        this.tokens = tokens;
    }

    @GET
    @Produces({"application/jwk-set+json", "application/json"})
    public Response jwks() {
        Map<String, Object> body = tokens.jwks();
        // short enough that a rotation reaches every backend within minutes
        return Response.ok(body).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300").build();
    }
}
