package io.otpservice.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import io.otpservice.dev.RedisProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** WireMock, a real HTTP server, standing in for Twilio, Vonage and the webhook provider. */
public class SmsProvidersResource implements QuarkusTestResourceLifecycleManager {

    public static final String TWILIO_PATH = "/2010-04-01/Accounts/AC7e570123456789abcdef0123456789ab/Messages.json";
    public static final String VONAGE_PATH = "/sms/json";
    public static final String WEBHOOK_PATH = "/hooks/sms";

    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").port(RedisProcess.freePort())
                .notifier(new ConsoleNotifier(false)));
        server.start();
        acceptEverything();
        String base = "http://127.0.0.1:" + server.port();
        return Map.of("otp.sms.twilio.base-url", base, "otp.sms.vonage.base-url", base,
                "otp.sms.webhook.url", base + WEBHOOK_PATH);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public static WireMockServer wireMock() {
        return server;
    }

    /** Twilio's answer when it takes a message (201 and the message it queued). */
    public static ResponseDefinitionBuilder twilioTakes() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}");
    }

    /** Answers as each provider does when it takes a message (the requests seen are kept). */
    public static void acceptEverything() {
        server.resetMappings();
        server.resetScenarios();
        server.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(twilioTakes()));
        server.stubFor(post(urlPathEqualTo(VONAGE_PATH)).willReturn(okJson(
                "{\"message-count\":\"1\",\"messages\":[{\"status\":\"0\",\"message-id\":\"0A0000000123ABCD1\"}]}")));
        server.stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(202)));
    }
}
