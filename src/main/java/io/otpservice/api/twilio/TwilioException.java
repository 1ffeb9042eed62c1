package io.otpservice.api.twilio;

import java.time.Duration;

/**
 * A failure of the /v2 edge itself, already in Twilio's terms: the HTTP status, Twilio's error code
 * and its message. Messages name parameters and SIDs, never a value the caller sent.
 */
final class TwilioException extends RuntimeException {

    private final int status;
    private final int code;
    private final Duration retryAfter;

    private TwilioException(int status, int code, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    int code() {
        return code;
    }

    /** Null when the answer has no wait. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** 60200, Twilio's answer to a missing or malformed parameter; {@code name} is the parameter, or null. */
    static TwilioException invalidParameter(String name) {
        return new TwilioException(400, TwilioErrors.INVALID_PARAMETER,
                name == null ? "Invalid parameter" : "Invalid parameter: " + name, null);
    }

    /** 20404; {@code resource} is the path below /v2 built from checked SIDs, or null. */
    static TwilioException notFound(String resource) {
        return new TwilioException(404, TwilioErrors.NOT_FOUND, TwilioErrors.notFoundMessage(resource), null);
    }

    static TwilioException authenticate() {
        return new TwilioException(401, TwilioErrors.AUTHENTICATE, "Authenticate", null);
    }

    static TwilioException forbidden(String scope) {
        return new TwilioException(403, TwilioErrors.FORBIDDEN, "This API key lacks the scope " + scope, null);
    }

    /** 60223: a Twilio channel we do not offer, or one of ours that is switched off; {@code channel} is from a fixed list. */
    static TwilioException channelDisabled(String channel) {
        return new TwilioException(400, TwilioErrors.CHANNEL_DISABLED, "Delivery channel disabled: " + channel, null);
    }

    /** 60203: the verification has had all its sends. */
    static TwilioException maxSendAttempts(Duration wait) {
        return new TwilioException(429, TwilioErrors.MAX_SEND_ATTEMPTS, "Max send attempts reached", wait);
    }
}
