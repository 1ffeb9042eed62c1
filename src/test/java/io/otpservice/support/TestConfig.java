package io.otpservice.support;

import io.otpservice.config.OtpConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration tree without a Quarkus boot, for unit-level tests (the fuzz targets): the test
 * profile's secrets and purposes, plus any overrides.
 */
public final class TestConfig {

    public static final String TWILIO_TOKEN = "test-twilio-auth-token";
    public static final String VONAGE_SECRET = "test-vonage-signature-secret-0123456789";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef";
    public static final String PUBLIC_URL = "https://otp.test.example";

    private TestConfig() {
    }

    public static OtpConfig otp() {
        return otp(Map.of());
    }

    public static OtpConfig otp(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.put("otp.hmac-secrets", "dGVzdC1vbmx5LWhtYWMtc2VjcmV0LW5vdC1mb3ItcHJvZHVjdGlvbg==");
        properties.put("otp.purposes.short.ttl", "1m");
        properties.put("otp.purposes.short.code-length", "8");
        properties.put("otp.sms.providers", "twilio,vonage,webhook");
        properties.put("otp.sms.twilio.auth-token", TWILIO_TOKEN);
        properties.put("otp.sms.vonage.signature-secret", VONAGE_SECRET);
        properties.put("otp.sms.webhook.secret", WEBHOOK_SECRET);
        properties.put("otp.public-url", PUBLIC_URL);
        properties.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(OtpConfig.class)
                // Quarkus' own form of durations ("10m", "24h"), as in application.properties
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test-config", 500))
                .build();
        return config.getConfigMapping(OtpConfig.class);
    }
}
