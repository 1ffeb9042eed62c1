package io.otpservice.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Gives every error answer of every /v1 operation the problem+json body, so a resource method's
 * annotations say only which codes it answers and when. The answers every API-key operation shares
 * (400, 401, 403, 503) are annotated once, on the resource class.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class SharedProblemResponses implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/v2/")) {
                return; // the Twilio-compatible API answers Twilio's error body, declared on its resource
            }
            for (Operation operation : item.getOperations().values()) {
                if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                    continue;
                }
                operation.getResponses().getAPIResponses().forEach((status, response) -> {
                    if (status.startsWith("4") || status.startsWith("5")) {
                        problemBody(response);
                    }
                });
            }
        });
    }

    private static void problemBody(APIResponse response) {
        if (response.getContent() == null || response.getContent().getMediaType(Problem.MEDIA_TYPE) == null) {
            Content content = response.getContent() == null ? OASFactory.createContent() : response.getContent();
            content.addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                    .schema(OASFactory.createSchema().ref("#/components/schemas/Problem")));
            response.setContent(content);
        }
    }
}
