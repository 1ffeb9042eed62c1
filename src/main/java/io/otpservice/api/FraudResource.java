package io.otpservice.api;

import io.otpservice.api.auth.CurrentCaller;
import io.otpservice.api.auth.Scope;
import io.otpservice.fraud.FraudGuard;
import io.otpservice.store.FraudStore;
import io.otpservice.verification.VerificationException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** The operators' view of the abuse protection: the number prefixes blocked now, and lifting a block. */
@Path(FraudResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fraud")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "401", description = "unauthorized: missing or unknown API key")
@APIResponse(responseCode = "403", description = "forbidden: the key lacks the scope fraud:admin")
@APIResponse(responseCode = "503", description = "unavailable: Redis is down or slow; Retry-After")
public class FraudResource {

    static final String PATH = "/v1/fraud/blocks";
    private static final Pattern PREFIX = Pattern.compile("\\+?[1-9][0-9]{0,14}");

    /** One active block; {@code sends} and {@code approvals} are those in the guard's window now. */
    @RegisterForReflection
    public record BlockView(String prefix, String country, Instant since, Instant until, long sends, long approvals) {
        static BlockView of(FraudStore.Block b) {
            return new BlockView(b.prefix(), b.country(), b.since(), b.until(), b.sends(), b.approvals());
        }
    }

    @RegisterForReflection
    public record BlockList(List<BlockView> blocks) {
        public BlockList {
            blocks = List.copyOf(blocks);
        }
    }

    private final FraudGuard fraud;
    private final CurrentCaller caller;

    public FraudResource(FraudGuard fraud, CurrentCaller caller) {
        this.fraud = fraud;
        this.caller = caller;
    }

    @Operation(summary = "List the number prefixes whose SMS are blocked now")
    @APIResponse(responseCode = "200", description = "the active blocks, soonest to end first")
    @GET
    @Scope(Scope.FRAUD_ADMIN)
    public Uni<BlockList> list() {
        return fraud.blocks().map(blocks -> new BlockList(blocks.stream().map(BlockView::of).toList()));
    }

    @Operation(summary = "Lift the block of a number prefix (+ and digits, e.g. +44770); its counts start afresh")
    @APIResponse(responseCode = "204", description = "lifted")
    @APIResponse(responseCode = "400", description = "invalid-request: not a prefix")
    @APIResponse(responseCode = "404", description = "not-found: the prefix is not blocked")
    @DELETE
    @Path("/{prefix}")
    @Scope(Scope.FRAUD_ADMIN)
    public Uni<RestResponse<Void>> lift(@RestPath String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ApiException.InvalidRequest("The prefix is not valid.", List.of(
                    new FieldError("prefix", "must be + and up to 15 digits, the first not 0, e.g. +44770")));
        }
        String normalised = prefix.startsWith("+") ? prefix : "+" + prefix;
        return fraud.lift(normalised, caller.get().name()).map(lifted -> {
            if (!lifted) {
                throw new VerificationException.NotFound("No active block for this prefix.");
            }
            return RestResponse.noContent();
        });
    }
}
