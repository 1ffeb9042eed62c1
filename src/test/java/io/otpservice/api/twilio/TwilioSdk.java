package io.otpservice.api.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official twilio-java SDK as an app would build it, with only its HTTP client changed: requests
 * for verify.twilio.com go to the test server ({@link BaseUrlHttpClient}). Every answer the SDK
 * receives is kept, so a test can hold each one against Twilio's schema field by field.
 */
final class TwilioSdk {

    /** Configured in application.properties (%test): the account SID of 'test-key' and of 'approver-key'. */
    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    /** 'read-only-key' answers to this one. */
    static final String READER_ACCOUNT = "ACfedcba9876543210fedcba9876543210";
    /** The default purpose (6 digits, 5 attempts, 5 sends). */
    static final String SERVICE = "VA0123456789abcdef0123456789abcdef";
    /** The 'short' purpose (8 digits, 3 attempts, 3 sends), friendly name "Short codes". */
    static final String SHORT_SERVICE = "VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TwilioSchema SCHEMA = TwilioSchema.load();
    private static final Pattern ATTEMPT_SID = Pattern.compile("VL[0-9a-f]{32}");
    private static final Pattern MILLIS_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    /** One request the SDK made and the answer it got. */
    record Exchange(String method, String path, int status, String body) {
    }

    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    private final URI base;

    TwilioSdk(URI base) {
        this.base = base;
    }

    /**
     * A client for one account SID and API key. The SDK's HTTP client would repeat a 429 once after a
     * second; built without automatic retries, each call is one request, as the counting tests need.
     */
    TwilioRestClient client(String accountSid, String apiKey) {
        HttpClient network = new NetworkHttpClient(HttpClientBuilder.create().useSystemProperties()
                .disableAutomaticRetries());
        return new TwilioRestClient.Builder(accountSid, apiKey)
                .httpClient(BaseUrlHttpClient.verifyAt(base, new Recording(network, exchanges)))
                .build();
    }

    List<Exchange> exchanges() {
        synchronized (exchanges) {
            return List.copyOf(exchanges);
        }
    }

    /** Every answer so far has the fields, types and formats of Twilio's schema for its call, and no others. */
    void assertEveryAnswerIsTwilioShaped() {
        List<Exchange> all = exchanges();
        assertThat(all).isNotEmpty();
        for (Exchange e : all) {
            assertTwilioShaped(e);
        }
    }

    static void assertTwilioShaped(Exchange e) {
        JsonNode body;
        try {
            body = JSON.readTree(e.body());
        } catch (IOException x) {
            throw new UncheckedIOException(e.toString(), x);
        }
        if (e.status() >= 400) {
            assertThat(SCHEMA.check("error", body, Set.of("details"))).as(e.toString()).isEmpty();
            assertThat(body.get("status").asInt()).as(e.toString()).isEqualTo(e.status());
            assertThat(body.get("more_info").asText()).isEqualTo("https://www.twilio.com/docs/errors/" + body.get("code").asInt());
            return;
        }
        String operation = operation(e);
        assertThat(SCHEMA.statusesOf(operation)).as(e.toString()).contains(Integer.toString(e.status()));
        assertThat(SCHEMA.check(SCHEMA.schemaOf(operation), body)).as(e.toString()).isEmpty();
        if (body.has("send_code_attempts")) {
            for (JsonNode attempt : body.get("send_code_attempts")) {
                assertThat(attempt.get("attempt_sid").asText()).matches(ATTEMPT_SID);
                assertThat(attempt.get("channel").asText()).isIn("sms", "email");
                assertThat(attempt.get("time").asText()).matches(MILLIS_TIME);
                ZonedDateTime.parse(attempt.get("time").asText(), DateTimeFormatter.ISO_ZONED_DATE_TIME);
            }
        }
    }

    private static String operation(Exchange e) {
        if (e.path().endsWith("/VerificationCheck")) {
            return "CreateVerificationCheck";
        }
        if (e.path().endsWith("/Verifications")) {
            return "CreateVerification";
        }
        if (e.path().contains("/Verifications/")) {
            return e.method().equals("GET") ? "FetchVerification" : "UpdateVerification";
        }
        return "FetchService";
    }

    /** Keeps each answer's body; hands the SDK a copy, since it reads the body once. */
    private static final class Recording extends HttpClient {
        private final HttpClient delegate;
        private final List<Exchange> exchanges;

        Recording(HttpClient delegate, List<Exchange> exchanges) {
            this.delegate = delegate;
            this.exchanges = exchanges;
        }

        @Override
        public Response makeRequest(Request request) {
            Response response = delegate.makeRequest(request);
            String body = response.getContent();
            exchanges.add(new Exchange(request.getMethod().toString(), request.constructURL().getPath(),
                    response.getStatusCode(), body));
            return new Response(body, response.getStatusCode(), response.getHeaders());
        }
    }
}
