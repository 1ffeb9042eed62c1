package io.otpservice.api.twilio;

import com.twilio.Twilio;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.verify.v2.Service;
import com.twilio.rest.verify.v2.service.Verification;
import com.twilio.rest.verify.v2.service.VerificationCheck;
import io.otpservice.store.Fields;
import io.otpservice.support.ApiTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.URI;
import java.net.URL;
import java.util.List;

import static io.otpservice.api.twilio.TwilioSdk.ACCOUNT;
import static io.otpservice.api.twilio.TwilioSdk.READER_ACCOUNT;
import static io.otpservice.api.twilio.TwilioSdk.SERVICE;
import static io.otpservice.api.twilio.TwilioSdk.SHORT_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An app written against Twilio Verify, with the official twilio-java SDK and only its HTTP client's
 * base URL changed, sends, checks, fetches and cancels codes through /v2, and reads our refusals as
 * Twilio's ApiExceptions. Every answer the SDK received is then held against Twilio's schema.
 */
@QuarkusTest
class TwilioSdkTest extends ApiTest {

    @TestHTTPResource("/")
    URL root;

    private TwilioSdk sdk;
    private TwilioRestClient client;

    @BeforeEach
    void sdk() {
        sdk = new TwilioSdk(URI.create(root.toString()));
        client = sdk.client(ACCOUNT, KEY);
    }

    @AfterEach
    void everyAnswerWasTwilioShaped() {
        sdk.assertEveryAnswerIsTwilioShaped();
    }

    @Test
    void anAppOnTheSdkSendsChecksFetchesAndCancels() {
        String to = newEmail();
        Verification created = create(SERVICE, to, "email");
        String sid = created.getSid();
        assertThat(sid).matches("VE[0-9a-f]{32}");
        assertThat(created.getStatus()).isEqualTo("pending");
        assertThat(created.getValid()).isFalse();
        assertThat(created.getTo()).isEqualTo(to);
        assertThat(created.getChannel()).isEqualTo(Verification.Channel.EMAIL);
        assertThat(created.getServiceSid()).isEqualTo(SERVICE);
        assertThat(created.getAccountSid()).isEqualTo(ACCOUNT);
        assertThat(created.getSendCodeAttempts()).hasSize(1);
        assertThat(created.getDateCreated()).isNotNull().isEqualTo(created.getDateUpdated());
        assertThat(created.getUrl()).hasToString("https://otp.test.example/v2/Services/" + SERVICE + "/Verifications/" + sid);
        String code = codesSentTo(to, 1).getFirst();

        VerificationCheck wrong = VerificationCheck.creator(SERVICE).setTo(to).setCode(wrong(code)).create(client);
        assertThat(wrong.getSid()).isEqualTo(sid);
        assertThat(wrong.getStatus()).isEqualTo("pending");
        assertThat(wrong.getValid()).isFalse();
        assertThat(Verification.fetcher(SERVICE, sid).fetch(client).getStatus()).isEqualTo("pending");

        VerificationCheck right = VerificationCheck.creator(SERVICE).setVerificationSid(sid).setCode(code).create(client);
        assertThat(right.getStatus()).isEqualTo("approved");
        assertThat(right.getValid()).isTrue();
        assertThat(right.getTo()).isEqualTo(to);
        Verification approved = Verification.fetcher(SERVICE, sid).fetch(client);
        assertThat(approved.getStatus()).isEqualTo("approved");
        assertThat(approved.getValid()).isTrue();
        assertThat(approved.getDateUpdated()).isAfterOrEqualTo(approved.getDateCreated());
        // a code approves once
        assertTwilioError(20404, 404, () -> VerificationCheck.creator(SERVICE).setTo(to).setCode(code).create(client));

        // the next sign-in: a new verification, which the app cancels
        Verification second = create(SERVICE, to, "email");
        assertThat(second.getSid()).isNotEqualTo(sid);
        String secondCode = codesSentTo(to, 2).get(1);
        Verification canceled = Verification.updater(SERVICE, second.getSid(), Verification.Status.CANCELED).update(client);
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(canceled.getSid()).isEqualTo(second.getSid());
        assertTwilioError(20404, 404, () -> VerificationCheck.creator(SERVICE).setTo(to).setCode(secondCode).create(client));
        assertTwilioError(20404, 404, () -> Verification.updater(SERVICE, second.getSid(), Verification.Status.CANCELED)
                .update(client));
        assertThat(mailCount(to)).isEqualTo(2);
    }

    @Test
    void theStaticStyleOfMostAppsWorksOnceTheirRestClientIsSet() {
        Twilio.setRestClient(client); // the app's one change; its calls below are Twilio's examples as they are
        try {
            String to = newEmail();
            RECIPIENTS.add(to);
            Verification.creator(SERVICE, to, "email").setDeviceIp(newClientIp()).create();
            String code = codesSentTo(to, 1).getFirst();
            assertThat(VerificationCheck.creator(SERVICE).setTo(to).setCode(code).create().getValid()).isTrue();
        } finally {
            Twilio.setRestClient(null);
        }
    }

    @Test
    void smsGoesThroughTheProvidersAndIsCheckedByTo() {
        String phone = newPhone();
        Verification created = create(SERVICE, phone, "sms");
        assertThat(created.getChannel()).isEqualTo(Verification.Channel.SMS);
        assertThat(created.getTo()).isEqualTo(phone);
        String code = smsCodesSentTo(phone, 1).getFirst();
        VerificationCheck right = VerificationCheck.creator(SERVICE).setTo(phone).setCode(code).create(client);
        assertThat(right.getStatus()).isEqualTo("approved");
        assertThat(right.getChannel()).isEqualTo(VerificationCheck.Channel.SMS);
    }

    @Test
    void aWrongCodeIsAnInvalidCheckUntilTheAttemptsAreSpentThenMaxCheckAttempts() {
        String to = newEmail();
        String sid = create(SHORT_SERVICE, to, "email").getSid(); // 3 attempts, 8 digits
        String code = codesSentTo(to, 1).getFirst();
        assertThat(code).hasSize(8);
        for (String expected : List.of("pending", "pending", "max_attempts_reached")) {
            VerificationCheck check = VerificationCheck.creator(SHORT_SERVICE).setTo(to).setCode(wrong(code)).create(client);
            assertThat(check.getStatus()).isEqualTo(expected);
            assertThat(check.getValid()).isFalse();
        }
        ApiException tooMany = assertTwilioError(60202, 429,
                () -> VerificationCheck.creator(SHORT_SERVICE).setVerificationSid(sid).setCode(code).create(client));
        assertThat(tooMany.getMessage()).startsWith("Max check attempts reached");
        assertThat(tooMany.getDetails()).containsKey("retry_after_seconds");
        assertThat(Verification.fetcher(SHORT_SERVICE, sid).fetch(client).getStatus()).isEqualTo("max_attempts_reached");
    }

    @Test
    void aCreateForAToWithALiveVerificationAnswersItAndSendsAgainOnceTheCooldownIsOver() {
        String to = newEmail();
        String ip = newClientIp();
        Verification first = create(SHORT_SERVICE, to, "email", ip); // 3 sends
        cooldownRunning(first.getSid());
        Verification same = create(SHORT_SERVICE, to, "email", ip);
        assertThat(same.getSid()).isEqualTo(first.getSid());
        assertThat(same.getSendCodeAttempts()).hasSize(1);
        assertThat(mailCount(to)).isEqualTo(1);

        for (int sends = 2; sends <= 3; sends++) {
            cooldownOver(first.getSid());
            Verification resent = create(SHORT_SERVICE, to, "email", ip);
            assertThat(resent.getSid()).isEqualTo(first.getSid());
            assertThat(resent.getSendCodeAttempts()).hasSize(sends);
            assertThat(codesSentTo(to, sends)).hasSize(sends).doesNotHaveDuplicates();
        }
        cooldownOver(first.getSid());
        ApiException maxSends = assertTwilioError(60203, 429, () -> create(SHORT_SERVICE, to, "email", ip));
        assertThat(maxSends.getDetails()).containsKey("retry_after_seconds");
        assertThat(mailCount(to)).isEqualTo(3);
        // the verification itself stays checkable, with the last code (or the one before)
        List<String> codes = codesSentTo(to, 3);
        assertThat(VerificationCheck.creator(SHORT_SERVICE).setTo(to).setCode(codes.get(1)).create(client).getStatus())
                .isEqualTo("approved");
    }

    @Test
    void refusalsReachTheAppAsApiExceptionsWithTwilioCodes() {
        String to = newEmail();
        assertTwilioError(20003, 401, () -> Service.fetcher(SERVICE).fetch(sdk.client(ACCOUNT, "not-a-key")));
        assertTwilioError(20003, 401, () -> Service.fetcher(SERVICE).fetch(sdk.client(READER_ACCOUNT, KEY)));
        assertTwilioError(20403, 403, () -> Verification.creator(SERVICE, to, "email")
                .create(sdk.client(READER_ACCOUNT, "read-only-key")));
        assertTwilioError(20404, 404, () -> Service.fetcher("VA" + "b".repeat(32)).fetch(client));
        assertTwilioError(20404, 404, () -> Verification.fetcher(SERVICE, "VE" + "0".repeat(32)).fetch(client));
        ApiException badTo = assertTwilioError(60200, 400, () -> Verification.creator(SERVICE, "+1555", "sms").create(client));
        assertThat(badTo.getMessage()).isEqualTo("Invalid parameter: To");
        assertTwilioError(60223, 400, () -> Verification.creator(SERVICE, newPhone(), "whatsapp").create(client));
        assertTwilioError(60200, 400, () -> Verification.creator(SERVICE, to, "email").setCustomCode("123456")
                .create(client));
        assertTwilioError(60605, 403, () -> Verification.creator(SERVICE, "+4915112345678", "sms")
                .setDeviceIp(newClientIp()).create(client)); // Germany is not in otp.sms.allowed-countries
        assertTwilioError(60200, 400, () -> VerificationCheck.creator(SERVICE).setTo(to).setCode("12ab").create(client));
        assertThat(mailCount(to)).isZero();

        // a verification is visible through its own service only
        String sid = create(SHORT_SERVICE, to, "email").getSid();
        assertTwilioError(20404, 404, () -> Verification.fetcher(SERVICE, sid).fetch(client));
        assertTwilioError(20404, 404, () -> VerificationCheck.creator(SERVICE).setVerificationSid(sid)
                .setCode(codesSentTo(to, 1).getFirst()).create(client));
        // the sid and To must agree
        assertTwilioError(20404, 404, () -> VerificationCheck.creator(SHORT_SERVICE).setVerificationSid(sid)
                .setTo(newEmail()).setCode(codesSentTo(to, 1).getFirst()).create(client));
        // approving without the code takes verify:approve, which test-key lacks
        assertTwilioError(20403, 403, () -> Verification.updater(SHORT_SERVICE, sid, Verification.Status.APPROVED)
                .update(client));
        assertThat(Verification.fetcher(SHORT_SERVICE, sid).fetch(client).getStatus()).isEqualTo("pending");
    }

    @Test
    void aKeyWithVerifyApproveApprovesWithoutTheCode() {
        String to = newEmail();
        String sid = create(SERVICE, to, "email").getSid();
        String code = codesSentTo(to, 1).getFirst();
        Verification approved = Verification.updater(SERVICE, sid, Verification.Status.APPROVED)
                .update(sdk.client(ACCOUNT, "approver-key"));
        assertThat(approved.getStatus()).isEqualTo("approved");
        assertThat(approved.getValid()).isTrue();
        // it ended: the code no longer checks, and a second approval finds nothing pending
        assertTwilioError(20404, 404, () -> VerificationCheck.creator(SERVICE).setTo(to).setCode(code).create(client));
        assertTwilioError(20404, 404, () -> Verification.updater(SERVICE, sid, Verification.Status.APPROVED)
                .update(sdk.client(ACCOUNT, "approver-key")));
    }

    @Test
    void theServiceShowsItsPurposeSettings() {
        Service service = Service.fetcher(SHORT_SERVICE).fetch(client);
        assertThat(service.getSid()).isEqualTo(SHORT_SERVICE);
        assertThat(service.getAccountSid()).isEqualTo(ACCOUNT);
        assertThat(service.getFriendlyName()).isEqualTo("Short codes");
        assertThat(service.getCodeLength()).isEqualTo(8);
        assertThat(service.getCustomCodeEnabled()).isFalse();
        assertThat(service.getLinks()).containsEntry("verifications",
                "https://otp.test.example/v2/Services/" + SHORT_SERVICE + "/Verifications");
        assertThat(Service.fetcher(SERVICE).fetch(client).getFriendlyName()).isEqualTo("default");
    }

    private Verification create(String service, String to, String channel) {
        return create(service, to, channel, newClientIp());
    }

    /** A create as the app makes it; DeviceIp (our clientIp) keeps the tests' per-address limits apart. */
    private Verification create(String service, String to, String channel, String deviceIp) {
        RECIPIENTS.add(to);
        return Verification.creator(service, to, channel).setDeviceIp(deviceIp).create(client);
    }

    /** Moves the resend cooldown a minute ahead, so a slow machine cannot see it end (the test cooldown is 1 s). */
    private void cooldownRunning(String id) {
        redis.hash(String.class).hset(verificationKey(id), Fields.NEXT_RESEND_AT,
                Long.toString(System.currentTimeMillis() + 60_000));
    }

    private static ApiException assertTwilioError(int code, int status, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertThat(e.getCode()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.getStatusCode()).isEqualTo(status);
        assertThat(e.getMoreInfo()).isEqualTo("https://www.twilio.com/docs/errors/" + code);
        return e;
    }

    static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }
}
