package io.otpservice.deploy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.otpservice.dev.RedisProcess;
import io.otpservice.support.PackagedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM (a rollout, a scale-down) lets the requests in flight finish: a create whose code is with
 * the SMS provider when the signal comes still gets its answer, instead of a reset connection and a
 * code sent for a request nobody heard back from.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other runs of the packaged jar
class GracefulShutdownIT {

    @Test
    void aRequestInFlightAtSigtermIsAnswered() throws Exception {
        RedisProcess redis = RedisProcess.launch();
        WireMockServer provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        provider.start();
        try {
            // the provider takes the message, and answers after 2 s
            provider.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
            int port = RedisProcess.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("OTP_HMAC_SECRETS", PackagedApp.newHmacSecret());
            env.put("OTP_TOKEN_SIGNING_KEY", PackagedApp.newSigningKey());
            env.put("OTP_API_KEYS_DRAIN_HASH", HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest("drain-key".getBytes(StandardCharsets.UTF_8))));
            env.put("OTP_API_KEYS_DRAIN_SCOPES", "verify:send");
            env.put("OTP_SMS_PROVIDERS", "webhook");
            env.put("OTP_SMS_WEBHOOK_URL", "http://127.0.0.1:" + provider.port() + "/sms");
            env.put("OTP_SMS_WEBHOOK_SECRET", "graceful-shutdown-webhook-secret-32+");
            env.put("QUARKUS_REDIS_HOSTS", redis.uri());
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(RedisProcess.freePort()));
            HttpRequest create = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/verifications"))
                    .header("Authorization", "Bearer drain-key").header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+14155550123\"}")).build();
            CompletableFuture<HttpResponse<String>>[] answer = new CompletableFuture[1];
            // once started, a create; once the provider has its message, the run ends: PackagedApp sends SIGTERM
            PackagedApp.Result result = PackagedApp.run(env, 60, output -> {
                if (answer[0] == null && output.contains("started in")) {
                    answer[0] = HttpClient.newHttpClient().sendAsync(create, HttpResponse.BodyHandlers.ofString());
                }
                return answer[0] != null && !provider.findAll(postRequestedFor(urlEqualTo("/sms"))).isEmpty();
            });
            assertThat(answer[0]).as(result.output()).isNotNull();
            HttpResponse<String> created = answer[0].get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(created.statusCode()).as(created.body() + "\n" + result.output()).isEqualTo(201);
            assertThat(created.body()).contains("\"status\":\"pending\"");
            assertThat(result.output()).contains("stopped in");
        } finally {
            provider.stop();
            redis.stop();
        }
    }
}
