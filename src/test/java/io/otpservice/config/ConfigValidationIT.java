package io.otpservice.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application (prod profile) refuses to start on a bad value, with a message naming the
 * key and never echoing a secret; with good values it starts.
 */
@Execution(ExecutionMode.CONCURRENT)
class ConfigValidationIT {

    private static final String GOOD_SECRET = "Y2ktY29uZmlnLXZhbGlkYXRpb24tc2VjcmV0LTMyLWJ5dGVzIQ==";
    private static final String SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder()
            .encodeToString(io.otpservice.token.SigningKeys.generate().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "OTP_CODE_LENGTH|3|otp.code-length",
            "OTP_TTL|0|otp.ttl",
            "OTP_MAX_ATTEMPTS|50|otp.max-attempts",
            "OTP_LIMITS_RECIPIENT_SENDS|5 per 15 minutes|otp.limits.recipient-sends",
            "OTP_HMAC_SECRETS|c2hvcnQtc2VjcmV0|otp.hmac-secrets",
            "OTP_DEFAULT_LOCALE|not a locale!|otp.default-locale",
            "OTP_TEST_RECIPIENTS|+15005550006:12|otp.test-recipients",
            "OTP_SMS_PROVIDERS|carrier-pigeon|otp.sms.providers",
            "OTP_TOKEN_SIGNING_KEY|not-a-key|otp.token.signing-key",
            "OTP_TOKEN_TTL|48h|otp.token.ttl",
            "OTP_PUBLIC_URL|https://otp.example.com/|otp.public-url",
            "OTP_TEMPLATES_DIR|/no/such/directory|otp.templates.dir",
            "OTP_WEBOTP_DOMAIN|https://example.com|otp.webotp.domain",
            "OTP_FRAUD_PREFIX_GUARD_MIN_CONVERSION|2|otp.fraud.prefix-guard.min-conversion",
            "OTP_FRAUD_COUNTRY_SENDS_USA|500/1h|otp.fraud.country-sends",
    })
    void aBadValueStopsTheServiceNamingTheKey(String variable, String value, String key) throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put(variable, value);
        Result result = run(env, 60);
        assertThat(result.exited()).as(result.output()).isTrue();
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(key);
        if (variable.equals("OTP_HMAC_SECRETS")) {
            assertThat(result.output()).doesNotContain(value);
        }
    }

    @Test
    void missingSecretsStopTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.remove("OTP_HMAC_SECRETS");
        Result result = run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.hmac-secrets: required");
    }

    @Test
    void missingSigningKeyStopsTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.remove("OTP_TOKEN_SIGNING_KEY");
        Result result = run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.token.signing-key: required");
    }

    @Test
    void aProviderWithoutItsSettingsStopsTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put("OTP_SMS_PROVIDERS", "twilio,vonage");
        env.put("OTP_SMS_TWILIO_ACCOUNT_SID", "ACci0123456789abcdef0123456789abcd");
        env.put("OTP_SMS_TWILIO_AUTH_TOKEN", "ci-twilio-token-never-printed");
        Result result = run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output())
                .contains("otp.sms.twilio.from or otp.sms.twilio.messaging-service-sid is required for the twilio provider")
                .contains("otp.sms.vonage.api-key is required for the vonage provider")
                .doesNotContain("ci-twilio-token-never-printed");
    }

    @Test
    void goodValuesStart() throws Exception {
        Result result = run(goodEnvironment(), 30);
        assertThat(result.exited()).as(result.output()).isFalse();
        assertThat(result.output()).contains("started in");
        assertThat(result.output()).doesNotContain(GOOD_SECRET).doesNotContain(SIGNING_KEY.substring(40, 80));
    }

    private static Map<String, String> goodEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("OTP_HMAC_SECRETS", GOOD_SECRET);
        env.put("OTP_TOKEN_SIGNING_KEY", SIGNING_KEY);
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_MANAGEMENT_PORT", "0");
        env.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:1");
        return env;
    }

    record Result(boolean exited, int exitCode, String output) {
    }

    /**
     * Runs the fast-jar until it exits, or until it has started (then it is stopped), or for at most
     * {@code seconds}. C1 only: these runs are short, and the cases run side by side.
     */
    private static Result run(Map<String, String> env, int seconds) throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        Path log = Files.createTempFile("otp-config", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OTP_") || k.startsWith("QUARKUS_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean exited = false;
        while (System.nanoTime() < deadline && !(exited = process.waitFor(100, TimeUnit.MILLISECONDS))) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains("started in")) {
                break;
            }
        }
        if (!exited) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(exited, exited ? process.exitValue() : -1, output);
    }
}
