package io.otpservice.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.otpservice.support.PackagedApp;
import io.otpservice.support.PackagedApp.Result;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application (prod profile) refuses to start on a bad value, with a message naming the
 * key and never echoing a secret; with good values it starts.
 */
@Execution(ExecutionMode.CONCURRENT)
class ConfigValidationIT {

    private static final String GOOD_SECRET = "Y2ktY29uZmlnLXZhbGlkYXRpb24tc2VjcmV0LTMyLWJ5dGVzIQ==";
    private static final String SIGNING_KEY = PackagedApp.newSigningKey();

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "OTP_HMAC_SECRETS|c2hvcnQtc2VjcmV0|otp.hmac-secrets|",
            "OTP_DEFAULT_LOCALE|not a locale!|otp.default-locale|",
            "OTP_TEST_RECIPIENTS|+15005550006:12|otp.test-recipients|",
            "OTP_TOKEN_SIGNING_KEY|not-a-key|otp.token.signing-key|",
            "OTP_TEMPLATES_DIR|/no/such/directory|otp.templates.dir|",
            "OTP_FRAUD_COUNTRY_SENDS_USA|500/1h|otp.fraud.country-sends|",
            "OTP_LIMITS_CLIENT_CREATES|5/9999999999999d|otp.limits.client-creates|",
            "QUARKUS_REDIS_HOSTS|redis://:p%zzSecretPW@127.0.0.1:6379|quarkus.redis.hosts|SecretPW",
            "QUARKUS_REDIS_HOSTS|redis://u:pa/ss^word@127.0.0.1:6379|quarkus.redis.hosts|ss^word",
            "QUARKUS_REDIS_HOSTS|redis//nohost|quarkus.redis.hosts|",
            "QUARKUS_REDIS_HOSTS|redis://:Comma,Secret%zz@127.0.0.1:6379|quarkus.redis.hosts|Comma",
            "QUARKUS_REDIS_HOSTS|redis://127.0.0.1:6379/0?password=Query%zzSecret|quarkus.redis.hosts|Query",
            "QUARKUS_REDIS_HOSTS||quarkus.redis.hosts: required|",
            "QUARKUS_REDIS_HOSTS|' '|quarkus.redis.hosts: required|",
            "OTP_TEST_RECIPIENTS|+15005550006:123456,+1 500 555 0006:654321|otp.test-recipients[1]|",
            "OTP_API_KEYS_MOBILE_APP_HASH|0000000000000000000000000000000000000000000000000000000000000001|OTP_API_KEYS_MOBILE_APP_HASH: configure nothing|",
            "OTP_PURPOSES_LOGIN_TLL|5m|OTP_PURPOSES_LOGIN_TLL: configure nothing|",
    })
    void aBadValueStopsTheServiceNamingTheKey(String variable, String value, String key, String secret) throws Exception {
        Map<String, String> env = goodEnvironment();
        if (value == null) {
            env.remove(variable);
        } else {
            env.put(variable, value);
        }
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exited()).as(result.output()).isTrue();
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(key);
        // the reason, no stack trace
        assertThat(result.output()).as(result.output()).doesNotContain("\tat ");
        if (variable.equals("OTP_HMAC_SECRETS")) {
            assertThat(result.output()).doesNotContain(value);
        }
        if (secret != null) {
            assertThat(result.output()).doesNotContain(secret);
        }
    }

    /** Values out of their range or form: the service stops naming every one of them, in one line. */
    @Test
    void everyValueOutOfItsRangeOrFormIsNamedInOneLine() throws Exception {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("OTP_CODE_LENGTH|3", "otp.code-length");
        bad.put("OTP_TTL|0", "otp.ttl");
        bad.put("OTP_MAX_ATTEMPTS|50", "otp.max-attempts");
        bad.put("OTP_LIMITS_RECIPIENT_SENDS|5 per 15 minutes", "otp.limits.recipient-sends");
        bad.put("OTP_SMS_PROVIDERS|carrier-pigeon", "otp.sms.providers");
        bad.put("OTP_SMS_BLOCKED_NUMBER_TYPES|EXPENSIVE", "otp.sms.blocked-number-types");
        bad.put("OTP_TOKEN_TTL|48h", "otp.token.ttl");
        bad.put("OTP_LOG_FLUSH_INTERVAL|1m", "otp.log.flush-interval");
        bad.put("OTP_PUBLIC_URL|https://otp.example.com/", "otp.public-url");
        bad.put("OTP_WEBOTP_DOMAIN|https://example.com", "otp.webotp.domain");
        bad.put("OTP_REDIS_TOPOLOGY_REFRESH|1ms", "otp.redis.topology-refresh");
        bad.put("OTP_FRAUD_PREFIX_GUARD_MIN_CONVERSION|2", "otp.fraud.prefix-guard.min-conversion");
        bad.put("OTP_FRAUD_PREFIX_GUARD_PREFIX_DIGITS|9", "otp.fraud.prefix-guard.prefix-digits");
        bad.put("OTP_FRAUD_SAFE_LIST|4420", "otp.fraud.safe-list");
        bad.put("OTP_API_KEYS_CI_SCOPES|verify:everything", "otp.api-keys.ci.scopes");
        bad.put("OTP_API_KEYS_CI_TWILIO_ACCOUNT_SID|AC123", "otp.api-keys.ci.twilio-account-sid");
        bad.put("OTP_API_KEYS_CI_CREATES|lots", "otp.api-keys.ci.creates");
        Map<String, String> env = goodEnvironment();
        bad.keySet().forEach(entry -> env.put(entry.split("\\|")[0], entry.split("\\|")[1]));
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exited()).as(result.output()).isTrue();
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        List<String> lines = result.output().lines().filter(l -> l.contains("otp.code-length")).toList();
        assertThat(lines).as(result.output()).singleElement()
                .satisfies(line -> assertThat(line).contains(bad.values()));
    }

    @Test
    void missingSecretsStopTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.remove("OTP_HMAC_SECRETS");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.hmac-secrets: required");
    }

    @Test
    void missingSigningKeyStopsTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.remove("OTP_TOKEN_SIGNING_KEY");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.token.signing-key: required");
    }

    @Test
    void noApiKeyStopsTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.keySet().removeIf(k -> k.startsWith("OTP_API_KEYS_"));
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.api-keys: required");
    }

    /** An override template Qute cannot parse is named, with Qute's reason, in one line. */
    @Test
    void aTemplateThatDoesNotParseStopsTheServiceNamingIt() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("otp-templates");
        java.nio.file.Files.writeString(dir.resolve("sms.default.en.text.txt"), "Your code is {code\n");
        Map<String, String> env = goodEnvironment();
        env.put("OTP_TEMPLATES_DIR", dir.toString());
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.templates.dir: sms/default/en/text.txt is not a valid template")
                .doesNotContain("\tat ");
    }

    @Test
    void twoApiKeysWithOneHashStopTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put("OTP_API_KEYS_OTHER_HASH", env.get("OTP_API_KEYS_CI_HASH"));
        env.put("OTP_API_KEYS_OTHER_SCOPES", "verify:send");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("otp.api-keys.other.hash: the same key as otp.api-keys.ci");
    }

    @Test
    void aStartUpErrorIsOnePlainLineWhateverTheLogFormat() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        env.put("OTP_HMAC_SECRETS", "c2hvcnQtc2VjcmV0");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        List<String> lines = result.output().lines().filter(l -> l.contains("otp.hmac-secrets")).toList();
        assertThat(lines).as(result.output()).singleElement()
                .satisfies(line -> assertThat(line).startsWith("otp.hmac-secrets[0]: 12 bytes"));
        assertThat(result.output()).doesNotContain("\tat ").doesNotContain("\n\tat").doesNotContain("Exception");
    }

    @Test
    void aProviderWithoutItsSettingsStopsTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put("OTP_SMS_PROVIDERS", "twilio,vonage");
        env.put("OTP_SMS_TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef");
        env.put("OTP_SMS_TWILIO_AUTH_TOKEN", "ci-twilio-token-never-printed");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output())
                .contains("otp.sms.twilio.from or otp.sms.twilio.messaging-service-sid is required for the twilio provider")
                .contains("otp.sms.vonage.api-key is required for the vonage provider")
                .doesNotContain("ci-twilio-token-never-printed");
    }

    @Test
    void aTwilioServiceOfAnUnknownPurposeStopsTheServiceAlsoWhenSetThroughTheEnvironment() throws Exception {
        Map<String, String> env = goodEnvironment();
        env.put("OTP_TWILIO_SERVICES_VA0123456789ABCDEF0123456789ABCDEF_PURPOSE", "no-such-purpose");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).containsIgnoringCase(
                "otp.twilio.services.VA0123456789abcdef0123456789abcdef.purpose: 'no-such-purpose' is not a configured purpose");
    }

    @Test
    void twoTwilioServicesOnOnePurposeStopTheService() throws Exception {
        Map<String, String> env = goodEnvironment();
        // neither names a purpose: both would be on the default one and share its verifications
        env.put("OTP_TWILIO_SERVICES_VA0123456789ABCDEF0123456789ABCDEF_FRIENDLY_NAME", "Shop");
        env.put("OTP_TWILIO_SERVICES_VAFEDCBA9876543210FEDCBA9876543210_FRIENDLY_NAME", "Forum");
        Result result = PackagedApp.run(env, 60);
        assertThat(result.exited()).as(result.output()).isTrue();
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output().toLowerCase(java.util.Locale.ROOT))
                .contains("'default' is already the purpose of")
                .contains("va0123456789abcdef0123456789abcdef").contains("vafedcba9876543210fedcba9876543210")
                .contains("each verify service needs a purpose of its own");
    }

    @Test
    void goodValuesStart() throws Exception {
        Result result = PackagedApp.run(goodEnvironment(), 30);
        assertThat(result.exited()).as(result.output()).isFalse();
        assertThat(result.output()).contains("started in");
        assertThat(result.output()).doesNotContain(GOOD_SECRET).doesNotContain(SIGNING_KEY.substring(40, 80));
    }

    private static Map<String, String> goodEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("OTP_HMAC_SECRETS", GOOD_SECRET);
        env.put("OTP_TOKEN_SIGNING_KEY", SIGNING_KEY);
        env.put("OTP_API_KEYS_CI_HASH", "0".repeat(64));
        env.put("OTP_API_KEYS_CI_SCOPES", "verify:read");
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_MANAGEMENT_PORT", "0");
        env.put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:1");
        return env;
    }
}
