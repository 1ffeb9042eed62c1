package io.otpservice.api.twilio;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.otpservice.code.Hasher;
import io.otpservice.code.RecipientCipher;
import io.otpservice.store.StoredVerification;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Verifications in Twilio's JSON: every field of Twilio's schema present (null where we have no
 * value, as Twilio answers), nothing of /v1 added. Dates are Twilio's whole-second UTC form, which
 * twilio-java parses with ISO_ZONED_DATE_TIME (it reads any other form as null, silently). The
 * {@code @JsonIgnore} members are for the request log: the masked recipient and the outcome.
 */
@Singleton
public class TwilioViews {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    /** send_code_attempts[].time: Twilio's real answers carry milliseconds there. */
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The Verification resource (create, fetch, update). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Verification(String sid, @JsonProperty("service_sid") String serviceSid,
                               @JsonProperty("account_sid") String accountSid, String to, String channel, String status,
                               boolean valid, Map<String, Object> lookup, String amount, String payee,
                               @JsonProperty("send_code_attempts") List<SendCodeAttempt> sendCodeAttempts,
                               @JsonProperty("date_created") String dateCreated,
                               @JsonProperty("date_updated") String dateUpdated, Object sna, String url,
                               @JsonIgnore String maskedTo, @JsonIgnore String outcome) {
        public Verification {
            lookup = Map.copyOf(lookup);
            sendCodeAttempts = List.copyOf(sendCodeAttempts);
        }
    }

    @RegisterForReflection
    public record SendCodeAttempt(@JsonProperty("attempt_sid") String attemptSid, String channel, String time) {
    }

    /** The VerificationCheck resource. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Check(String sid, @JsonProperty("service_sid") String serviceSid,
                        @JsonProperty("account_sid") String accountSid, String to, String channel, String status,
                        boolean valid, String amount, String payee, @JsonProperty("date_created") String dateCreated,
                        @JsonProperty("date_updated") String dateUpdated,
                        @JsonProperty("sna_attempts_error_codes") List<Object> snaAttemptsErrorCodes,
                        @JsonIgnore String maskedTo, @JsonIgnore String outcome) {
        public Check {
            snaAttemptsErrorCodes = snaAttemptsErrorCodes == null ? null : List.copyOf(snaAttemptsErrorCodes);
        }
    }

    /** The Service resource: what we can say of a configured service; the Twilio features we lack are off. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Service(String sid, @JsonProperty("account_sid") String accountSid,
                          @JsonProperty("friendly_name") String friendlyName, @JsonProperty("code_length") int codeLength,
                          @JsonProperty("lookup_enabled") boolean lookupEnabled,
                          @JsonProperty("psd2_enabled") boolean psd2Enabled,
                          @JsonProperty("skip_sms_to_landlines") boolean skipSmsToLandlines,
                          @JsonProperty("dtmf_input_required") boolean dtmfInputRequired,
                          @JsonProperty("tts_name") String ttsName,
                          @JsonProperty("do_not_share_warning_enabled") boolean doNotShareWarningEnabled,
                          @JsonProperty("custom_code_enabled") boolean customCodeEnabled, Object push, Object totp,
                          @JsonProperty("default_template_sid") String defaultTemplateSid, Object whatsapp,
                          Object passkeys,
                          @JsonProperty("verify_event_subscription_enabled") boolean verifyEventSubscriptionEnabled,
                          @JsonProperty("date_created") String dateCreated,
                          @JsonProperty("date_updated") String dateUpdated, String url, Map<String, String> links) {
        public Service {
            links = Map.copyOf(links);
        }
    }

    /** Who asks, through which service, at which base URL: what every answer repeats. */
    record Context(String accountSid, TwilioServices.Service service, String baseUrl) {

        String serviceUrl() {
            return baseUrl + "/v2" + service.path();
        }
    }

    private final RecipientCipher cipher;
    private final Hasher hasher;

    public TwilioViews(RecipientCipher cipher, Hasher hasher) {
        this.cipher = cipher;
        this.hasher = hasher;
    }

    Verification verification(StoredVerification v, Context context, String outcome) {
        List<SendCodeAttempt> attempts = new ArrayList<>();
        List<Instant> times = v.sendTimes();
        for (int i = 0; i < times.size(); i++) {
            attempts.add(new SendCodeAttempt(attemptSid(v, i + 1), v.channel().wire(), MILLIS.format(times.get(i))));
        }
        return new Verification(v.id().value(), context.service().sid(), context.accountSid(), recipient(v),
                v.channel().wire(), status(v), approved(v), Map.of(), null, null, attempts,
                SECONDS.format(v.createdAt()), SECONDS.format(v.updatedAt()), null,
                context.serviceUrl() + "/Verifications/" + v.id().value(), v.maskedRecipient(), outcome);
    }

    /** The answer of a right code: the verification as the check left it. */
    Check approvedCheck(StoredVerification v, Context context) {
        return check(v, context, status(v), approved(v), "approved");
    }

    /**
     * The answer of a wrong code: never valid, and the status this check left, from the attempts it left
     * ({@code v} is read after the check, so another check may have approved or ended it since).
     */
    Check wrongCheck(StoredVerification v, Context context, int attemptsRemaining) {
        return check(v, context, attemptsRemaining > 0 ? "pending" : "max_attempts_reached", false, "incorrect");
    }

    private Check check(StoredVerification v, Context context, String status, boolean valid, String outcome) {
        return new Check(v.id().value(), context.service().sid(), context.accountSid(), recipient(v), v.channel().wire(),
                status, valid, null, null, SECONDS.format(v.createdAt()), SECONDS.format(v.updatedAt()), null,
                v.maskedRecipient(), outcome);
    }

    Service service(Context context) {
        String url = context.serviceUrl();
        return new Service(context.service().sid(), context.accountSid(), context.service().friendlyName(),
                context.service().policy().codeLength(), false, false, false, false, null, false, false, null, null,
                null, null, null, false, null, null, url,
                Map.of("verifications", url + "/Verifications", "verification_checks", url + "/VerificationCheck"));
    }

    /** Twilio's status names: ours, except that a verification out of attempts is max_attempts_reached. */
    static String status(StoredVerification v) {
        return switch (v.status()) {
            case PENDING -> "pending";
            case APPROVED -> "approved";
            case CANCELED -> "canceled";
            case EXPIRED -> "expired";
            case FAILED -> "max_attempts_reached";
        };
    }

    private static boolean approved(StoredVerification v) {
        return v.status() == StoredVerification.Status.APPROVED;
    }

    /**
     * The caller sent it and Twilio answers it in full; never logged (the log has the masked form). Masked
     * when it was sealed under an HMAC secret that is no longer configured.
     */
    private String recipient(StoredVerification v) {
        return cipher.open(v.sealedRecipient()).orElse(v.maskedRecipient());
    }

    /** A stable SID per send that reveals nothing: VL and 32 hex digits of an HMAC of the id and send number. */
    private String attemptSid(StoredVerification v, int send) {
        return "VL" + hasher.opaque("twilio-attempt", v.id().value() + ":" + send);
    }
}
