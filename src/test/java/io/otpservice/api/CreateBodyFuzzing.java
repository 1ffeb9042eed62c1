package io.otpservice.api;

import io.otpservice.verification.CreateCommand;

/**
 * POST /v1/verifications bodies through the service's JSON mapper and RequestValidator, as a caller
 * with a key reaches them: each input is a body. The outcome is a create command (its session
 * hashable, its recipient normalised) or an invalid-request problem; never anything else.
 * Run by BodiesFuzzTest.
 */
final class CreateBodyFuzzing {

    private CreateBodyFuzzing() {
    }

    static void create(byte[] body) {
        CreateCommand command = BodyFuzzing.validate(body, CreateVerificationRequest.class,
                request -> BodyFuzzing.VALIDATOR.create(request, BodyFuzzing.CALLER, BodyFuzzing.HTTP));
        if (command != null) {
            BodyFuzzing.checkSession(command.session());
            if (command.recipient() == null || command.locale() == null || command.clientAddress() == null
                    || !RequestValidator.wellFormed(command.locale())) {
                throw new AssertionError("a create command with a missing part");
            }
        }
    }
}
