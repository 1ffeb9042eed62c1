package io.otpservice.api;

import io.otpservice.verification.CheckCommand;

/**
 * Check bodies through the service's JSON mapper and RequestValidator: each input is read both as a
 * check by id (code, session) and as a check by recipient (to, purpose, code, session). The outcome is
 * a check command (a code of 4-10 ASCII digits, a hashable session) or an invalid-request problem.
 * Run by BodiesFuzzTest.
 */
final class CheckBodyFuzzing {

    private CheckBodyFuzzing() {
    }

    static void check(byte[] body) {
        checked(BodyFuzzing.validate(body, CheckRequest.class, BodyFuzzing.VALIDATOR::check));
        RequestValidator.ByRecipient byRecipient = BodyFuzzing.validate(body, CheckByRecipientRequest.class,
                BodyFuzzing.VALIDATOR::checkByRecipient);
        if (byRecipient != null) {
            checked(byRecipient.check());
        }
    }

    private static void checked(CheckCommand command) {
        if (command != null) {
            if (!command.code().matches("[0-9]{4,10}")) {
                throw new AssertionError("a code that is not 4-10 ASCII digits");
            }
            BodyFuzzing.checkSession(command.session());
        }
    }
}
