package io.otpservice.api.twilio;

import io.otpservice.api.ApiException;
import io.otpservice.api.FieldError;
import io.otpservice.ratelimit.Limit;
import io.otpservice.verification.VerificationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Our failures in Twilio's terms: the table of the README's "Coming from Twilio Verify", as code. */
class TwilioErrorsTest {

    private static final Duration WAIT = Duration.ofMillis(89_001);

    @Test
    void eachLifecycleFailureHasTwilioStatusAndCode() {
        Map<VerificationException, int[]> expected = Map.of(
                new VerificationException.NotFound(), new int[]{404, 20404},
                new VerificationException.TooManyAttempts(WAIT), new int[]{429, 60202},
                new VerificationException.ResendTooSoon(WAIT), new int[]{429, 60212},
                new VerificationException.ChannelNotAllowed("SMS to numbers of DE is not allowed.", null), new int[]{403, 60605},
                new VerificationException.DeliveryFailed(false), new int[]{502, 20503},
                new VerificationException.Unavailable(WAIT), new int[]{503, 20503});
        expected.forEach((failure, statusAndCode) -> {
            TwilioError error = TwilioErrors.of(failure, "/Services/VA" + "a".repeat(32) + "/VerificationCheck");
            assertThat(new int[]{error.status(), error.code()}).as(failure.getClass().getSimpleName()).containsExactly(statusAndCode);
            assertThat(error.moreInfo()).isEqualTo("https://www.twilio.com/docs/errors/" + error.code());
            assertThat(error.details() != null).as("a wait for " + failure.getClass().getSimpleName())
                    .isEqualTo(failure.retryAfter().isPresent());
        });
    }

    @ParameterizedTest
    @EnumSource(Limit.class)
    void eachLimitIsA429WithItsWaitInTheBody(Limit limit) {
        TwilioError error = TwilioErrors.of(new VerificationException.RateLimited(limit, WAIT), null);
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo(switch (limit) {
            case RECIPIENT_FAILURES -> 60202;
            case RECIPIENT_SENDS, VERIFICATION_SENDS -> 60203;
            case CLIENT_CREATES, API_KEY_CREATES -> 20429;
            case PREFIX_GUARD, COUNTRY_SENDS -> 60410;
        });
        assertThat(error.details().retryAfterSeconds()).isEqualTo(90);
        assertThat(error.message()).endsWith("; retry in 90 s");
    }

    @Test
    void aNotFoundRepeatsOnlyAPathOfWellFormedSids() {
        String sid = "VA" + "0".repeat(32);
        assertThat(TwilioErrors.of(new VerificationException.NotFound(), "/Services/" + sid + "/Verifications/VE" + "1".repeat(32))
                .message()).isEqualTo("The requested resource /Services/" + sid + "/Verifications/VE" + "1".repeat(32)
                + " was not found");
        for (String path : new String[]{"/Services/" + sid + "/Verifications/+14155550100", "/Services/alice@example.com", null}) {
            assertThat(TwilioErrors.of(new VerificationException.NotFound(), path).message())
                    .isEqualTo("The requested resource was not found");
        }
    }

    @Test
    void aValidatorErrorNamesTheTwilioParameter() {
        assertThat(TwilioErrors.of(new ApiException.InvalidRequest("x", List.of(new FieldError("clientIp", "bad"))))
                .message()).isEqualTo("Invalid parameter: DeviceIp");
        assertThat(TwilioErrors.of(new ApiException.InvalidRequest("x", List.of(new FieldError("to", "bad"),
                new FieldError("code", "bad")))).message()).isEqualTo("Invalid parameter: To");
        assertThat(TwilioErrors.of(new ApiException.InvalidRequest("x", List.of())).code()).isEqualTo(60200);
    }
}
