package io.otpservice.api.twilio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Twilio's error body, the answer of every /v2 error: the SDKs read {@code code}, {@code message},
 * {@code more_info} and {@code status} (twilio-java takes the status from the body, not the status
 * line). {@code details} is present only when the caller should wait: 429 and 503.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TwilioError(int code, String message, @JsonProperty("more_info") String moreInfo, int status,
                          Details details) {

    @RegisterForReflection
    public record Details(@JsonProperty("retry_after_seconds") long retryAfterSeconds) {
    }
}
