package io.otpservice.api.twilio;

import io.otpservice.api.ApiException;
import io.otpservice.api.BodyLimit;
import io.otpservice.api.FieldError;
import io.otpservice.api.Problem;
import io.otpservice.verification.VerificationException;
import io.otpservice.verification.VerificationException.ChannelNotAllowed;
import io.otpservice.verification.VerificationException.DeliveryFailed;
import io.otpservice.verification.VerificationException.IdempotencyConflict;
import io.otpservice.verification.VerificationException.IncorrectCode;
import io.otpservice.verification.VerificationException.NotFound;
import io.otpservice.verification.VerificationException.RateLimited;
import io.otpservice.verification.VerificationException.ResendTooSoon;
import io.otpservice.verification.VerificationException.TooManyAttempts;
import io.otpservice.verification.VerificationException.Unavailable;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Our failures in Twilio's terms: which HTTP status, which Twilio error code, which message. The
 * codes are the ones Twilio answers for the same situation (https://www.twilio.com/docs/errors/...).
 */
final class TwilioErrors {

    static final int INVALID_PARAMETER = 60200;
    static final int MAX_CHECK_ATTEMPTS = 60202;
    static final int MAX_SEND_ATTEMPTS = 60203;
    static final int CONCURRENT_REQUESTS = 60212;
    static final int CHANNEL_DISABLED = 60223;
    static final int DELIVERY_BLOCKED = 60605;
    static final int FRAUD_BLOCKED = 60410;
    static final int AUTHENTICATE = 20003;
    static final int METHOD_NOT_ALLOWED = 20004;
    static final int FORBIDDEN = 20403;
    static final int NOT_FOUND = 20404;
    static final int TOO_MANY_REQUESTS = 20429;
    static final int INTERNAL = 20500;
    static final int UNAVAILABLE = 20503;

    /** /v2 paths whose every part was a well-formed SID: the only ones a message may repeat. */
    private static final Pattern RESOURCE = Pattern.compile(
            "/Services/VA[0-9a-fA-F]{32}(?:|/Verifications|/Verifications/VE[0-9a-f]{32}|/VerificationCheck)");
    /** The v1 validator's field names as Twilio's parameters. */
    private static final Map<String, String> PARAMETERS = Map.of("to", "To", "channel", "Channel", "locale", "Locale",
            "clientIp", "DeviceIp", "code", "Code");

    private TwilioErrors() {
    }

    static TwilioError of(TwilioException e) {
        return error(e.code(), e.getMessage(), e.status(), e.retryAfter());
    }

    /** A lifecycle failure; {@code resource} is the request path below /v2, for a 20404's message. */
    static TwilioError of(VerificationException e, String resource) {
        Duration wait = e.retryAfter().orElse(null);
        return switch (e) {
            case NotFound n -> error(NOT_FOUND, notFoundMessage(resource), 404, null);
            case TooManyAttempts t -> error(MAX_CHECK_ATTEMPTS, "Max check attempts reached", 429, wait);
            case ResendTooSoon r -> error(CONCURRENT_REQUESTS, "Too many concurrent requests for phone number", 429, wait);
            case RateLimited rl -> switch (rl.limit()) {
                case RECIPIENT_FAILURES -> error(MAX_CHECK_ATTEMPTS, "Max check attempts reached", 429, wait);
                case RECIPIENT_SENDS, VERIFICATION_SENDS -> error(MAX_SEND_ATTEMPTS, "Max send attempts reached", 429, wait);
                case CLIENT_CREATES, API_KEY_CREATES -> error(TOO_MANY_REQUESTS, "Too many requests", 429, wait);
                // Twilio's Fraud Guard and geo-permission answer
                case PREFIX_GUARD, COUNTRY_SENDS -> error(FRAUD_BLOCKED,
                        "Verification delivery attempt blocked by fraud prevention", 429, wait);
            };
            // the channel itself is checked at the edge (60223): what is left is about this recipient
            case ChannelNotAllowed c -> error(DELIVERY_BLOCKED, "Verification delivery attempt blocked: " + e.getMessage(),
                    403, null);
            case DeliveryFailed d -> error(UNAVAILABLE, d.mayArrive()
                    ? "No provider confirmed the code; it may still arrive, and it counts against the limits"
                    : "Delivery failed on every provider; nothing was sent", 502, null);
            case Unavailable u -> error(UNAVAILABLE, "Service unavailable", 503, wait);
            // /v2 answers a wrong code with a check body and never takes an Idempotency-Key
            case IncorrectCode ic -> internal();
            case IdempotencyConflict i -> internal();
        };
    }

    /** A failure of the request as the v1 validator and key checks see it. */
    static TwilioError of(ApiException e) {
        return switch (e) {
            case ApiException.InvalidRequest ir -> of(TwilioException.invalidParameter(ir.errors().stream()
                    .map(FieldError::field).map(PARAMETERS::get).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null)));
            case ApiException.Unauthorized u -> of(TwilioException.authenticate());
            case ApiException.Forbidden f -> error(FORBIDDEN, e.getMessage(), 403, null);
            case ApiException.PayloadTooLarge p -> payloadTooLarge();
        };
    }

    /** An answer the shared mapper already made (unknown route, method, media type, a crash): same status. */
    static TwilioError of(Problem p) {
        return switch (p.status()) {
            case 404 -> error(NOT_FOUND, notFoundMessage(null), 404, null);
            case 405 -> error(METHOD_NOT_ALLOWED, "Method not allowed", 405, null);
            case 413 -> payloadTooLarge();
            case 503 -> error(UNAVAILABLE, "Service unavailable",
                    503, p.retryAfterSeconds() == null ? null : Duration.ofSeconds(p.retryAfterSeconds()));
            default -> p.status() >= 500 ? internal() : error(INVALID_PARAMETER, "Invalid parameter", p.status(), null);
        };
    }

    static TwilioError payloadTooLarge() {
        return error(INVALID_PARAMETER, "Invalid parameter: the body is over " + BodyLimit.MAX_BYTES + " bytes", 413, null);
    }

    static TwilioError internal() {
        return error(INTERNAL, "Internal server error", 500, null);
    }

    static String notFoundMessage(String resource) {
        return resource != null && RESOURCE.matcher(resource).matches()
                ? "The requested resource " + resource + " was not found"
                : "The requested resource was not found";
    }

    static Response respond(TwilioError error) {
        Response.ResponseBuilder builder = Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(error);
        if (error.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"otp-service\"");
        }
        return builder.build();
    }

    /** No Retry-After header on /v2: twilio-java's HTTP client would sleep that long, uncapped, and repeat a POST. */
    private static TwilioError error(int code, String message, int status, Duration wait) {
        long seconds = wait == null ? 0 : VerificationException.seconds(wait);
        return new TwilioError(code, wait == null ? message : message + "; retry in " + seconds + " s",
                "https://www.twilio.com/docs/errors/" + code, status,
                wait == null ? null : new TwilioError.Details(seconds));
    }
}
