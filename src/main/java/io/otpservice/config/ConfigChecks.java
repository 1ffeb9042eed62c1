package io.otpservice.config;

import io.quarkus.runtime.configuration.ConfigurationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The ranges and forms of the {@link OtpConfig} values, checked at start: every problem is collected and
 * the service stops with one line naming each key (never a value: some are secrets).
 * <p>
 * Hand-written rather than Bean Validation annotations: Hibernate Validator's metadata for them was 15%
 * of the start-up's CPU and 338 loaded classes (JFR and -Xlog:class+load), for some thirty comparisons.
 */
final class ConfigChecks {

    private static final Pattern WINDOWS = Pattern.compile(OtpConfig.WINDOWS);
    private static final Pattern HTTP_URL = Pattern.compile("^https?://\\S+$");
    private static final Pattern PUBLIC_URL = Pattern.compile("^https?://[^\\s?#]+[^/\\s?#]$");
    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-fA-F]{64}$");
    private static final Pattern SCOPE = Pattern.compile(
            "^(verify:send|verify:check|verify:read|verify:cancel|verify:approve|client-ip|fraud:admin)$");
    private static final Pattern ACCOUNT_SID = Pattern.compile("^AC[0-9a-fA-F]{32}$");
    private static final Pattern NUMBER_TYPES = Pattern.compile(OtpConfig.NUMBER_TYPES);
    private static final Pattern E164_PREFIX = Pattern.compile("^\\+[0-9]{1,15}$");
    private static final Pattern COUNTRY = Pattern.compile("^[A-Za-z]{2}$");
    private static final Pattern SMS_PROVIDER = Pattern.compile("^(twilio|vonage|webhook|log)$");
    private static final Pattern EMAIL_PROVIDER = Pattern.compile("^(smtp|log)$");
    private static final Pattern CRYPTO_PROVIDER = Pattern.compile("^(auto|jdk|native)$");
    /** An address, bare or in angle brackets after a display name: {@code OTP <otp@example.com>}. */
    private static final Pattern MAIL_FROM = Pattern.compile("^([^<>]*<[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+>|[^\\s@<>]+@[^\\s@<>]+)$");
    /** The JDK's ISO 3166 codes, and the regions libphonenumber gives numbers that it lacks (Ascension, Tristan da Cunha, Kosovo). */
    private static final Set<String> ISO_COUNTRIES = Stream.concat(Arrays.stream(Locale.getISOCountries()),
            Stream.of("AC", "TA", "XK")).collect(Collectors.toUnmodifiableSet());
    private static final Pattern DOMAIN = Pattern.compile("^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$");

    private final List<String> problems = new ArrayList<>();

    private ConfigChecks() {
    }

    /** Throws a {@link ConfigurationException} listing every value out of its range or form. */
    static void check(OtpConfig c) {
        ConfigChecks k = new ConfigChecks();
        k.range("otp.code-length", c.codeLength(), 4, 10);
        k.range("otp.ttl", c.ttl(), Duration.ofMinutes(1), Duration.ofHours(24));
        k.range("otp.max-attempts", c.maxAttempts(), 1, 20);
        k.range("otp.max-sends", c.maxSends(), 1, 10);
        c.publicUrl().ifPresent(v -> k.form("otp.public-url", v, PUBLIC_URL,
                "must be an http(s) URL without a trailing slash, query or fragment"));
        for (Map.Entry<String, OtpConfig.ApiKey> key : c.apiKeys().entrySet()) {
            String prefix = "otp.api-keys." + key.getKey();
            k.form(prefix + ".hash", key.getValue().hash(), SHA256_HEX, "must be the SHA-256 of the key as 64 hex digits");
            k.each(prefix + ".scopes", key.getValue().scopes(), SCOPE,
                    "must be one of verify:send, verify:check, verify:read, verify:cancel, verify:approve, client-ip, fraud:admin");
            key.getValue().twilioAccountSid().ifPresent(v -> k.form(prefix + ".twilio-account-sid", v, ACCOUNT_SID,
                    "must be a Twilio account SID: AC and 32 hex digits"));
            key.getValue().creates().ifPresent(v -> k.form(prefix + ".creates", v, WINDOWS, OtpConfig.WINDOWS_MESSAGE));
        }
        for (Map.Entry<String, OtpConfig.Purpose> purpose : c.purposes().entrySet()) {
            String prefix = "otp.purposes." + purpose.getKey();
            OtpConfig.Purpose p = purpose.getValue();
            p.ttl().ifPresent(v -> k.range(prefix + ".ttl", v, Duration.ofMinutes(1), Duration.ofHours(24)));
            p.codeLength().ifPresent(v -> k.range(prefix + ".code-length", v, 4, 10));
            p.maxAttempts().ifPresent(v -> k.range(prefix + ".max-attempts", v, 1, 20));
            p.maxSends().ifPresent(v -> k.range(prefix + ".max-sends", v, 1, 10));
        }
        k.range("otp.resend.cooldown", c.resend().cooldown(), Duration.ZERO, Duration.ofHours(1));
        k.form("otp.limits.recipient-sends", c.limits().recipientSends(), WINDOWS, OtpConfig.WINDOWS_MESSAGE);
        k.form("otp.limits.recipient-failures", c.limits().recipientFailures(), WINDOWS, OtpConfig.WINDOWS_MESSAGE);
        k.form("otp.limits.client-creates", c.limits().clientCreates(), WINDOWS, OtpConfig.WINDOWS_MESSAGE);
        c.sms().allowedCountries().ifPresent(v -> k.countries("otp.sms.allowed-countries", v));
        k.each("otp.sms.blocked-number-types", c.sms().blockedNumberTypes(), NUMBER_TYPES, OtpConfig.NUMBER_TYPES_MESSAGE);
        k.each("otp.sms.providers", c.sms().providers(), SMS_PROVIDER, "must be twilio, vonage, webhook or log");
        k.form("otp.sms.twilio.base-url", c.sms().twilio().baseUrl(), HTTP_URL, "must be an http(s) URL");
        k.form("otp.sms.vonage.base-url", c.sms().vonage().baseUrl(), HTTP_URL, "must be an http(s) URL");
        c.sms().webhook().url().ifPresent(v -> k.form("otp.sms.webhook.url", v, HTTP_URL, "must be an http(s) URL"));
        c.webotp().domain().ifPresent(v -> k.form("otp.webotp.domain", v, DOMAIN, "must be a host name such as example.com"));
        k.form("otp.email.provider", c.email().provider(), EMAIL_PROVIDER, "must be smtp or log");
        k.range("otp.redis.timeout", c.redis().timeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
        k.range("otp.redis.replica-ack-timeout", c.redis().replicaAckTimeout(), Duration.ofMillis(1), Duration.ofSeconds(30));
        k.range("otp.redis.topology-refresh", c.redis().topologyRefresh(), Duration.ofMillis(100), Duration.ofMinutes(1));
        k.range("otp.log.flush-interval", c.log().flushInterval(), Duration.ZERO, Duration.ofSeconds(10));
        k.range("otp.token.ttl", c.token().ttl(), Duration.ofSeconds(10), Duration.ofHours(24));
        k.form("otp.crypto.provider", c.crypto().provider(), CRYPTO_PROVIDER, "must be auto, jdk or native");
        k.range("otp.idempotency.ttl", c.idempotency().ttl(), Duration.ofMinutes(1), Duration.ofDays(7));
        OtpConfig.PrefixGuard guard = c.fraud().prefixGuard();
        k.range("otp.fraud.prefix-guard.prefix-digits", guard.prefixDigits(), 1, 6);
        k.range("otp.fraud.prefix-guard.window", guard.window(), Duration.ofMinutes(1), Duration.ofDays(7));
        k.range("otp.fraud.prefix-guard.min-sends", guard.minSends(), 1, 1_000_000);
        if (!(guard.minConversion() >= 0 && guard.minConversion() <= 1)) {
            k.problems.add("otp.fraud.prefix-guard.min-conversion: must be between 0 and 1, is " + guard.minConversion());
        }
        k.range("otp.fraud.prefix-guard.block-for", guard.blockFor(), Duration.ofSeconds(1), Duration.ofDays(7));
        for (Map.Entry<String, String> budget : c.fraud().countrySends().entrySet()) {
            k.form("otp.fraud.country-sends." + budget.getKey(), budget.getValue(), WINDOWS, OtpConfig.WINDOWS_MESSAGE);
            k.countries("otp.fraud.country-sends." + budget.getKey(), List.of(budget.getKey()));
        }
        c.sms().twilio().accountSid().ifPresent(v -> k.form("otp.sms.twilio.account-sid", v, ACCOUNT_SID,
                "must be a Twilio account SID: AC and 32 hex digits"));
        k.form("otp.email.from", c.email().from(), MAIL_FROM,
                "must be an e-mail address, bare or as Name <address>");
        if (c.token().audience().isBlank()) {
            k.problems.add("otp.token.audience: must not be blank");
        }
        if (c.token().issuer().isBlank()) {
            k.problems.add("otp.token.issuer: must not be blank");
        }
        c.fraud().safeList().ifPresent(v -> k.each("otp.fraud.safe-list", v, E164_PREFIX,
                "must be E.164 numbers or prefixes such as +4420"));
        if (!k.problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", k.problems));
        }
    }

    private void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", is " + value);
        }
    }

    private void range(String key, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(key + ": must be between " + human(min)
                    + " and " + human(max) + ", is " + human(value));
        }
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private void form(String key, String value, Pattern pattern, String message) {
        if (value == null || !pattern.matcher(value).matches()) {
            problems.add(key + ": " + message);
        }
    }

    /** ISO 3166 alpha-2 codes the JDK knows (an unknown one would configure a rule that never applies). */
    private void countries(String key, List<String> values) {
        for (String value : values) {
            if (!COUNTRY.matcher(value).matches() || !ISO_COUNTRIES.contains(value.toUpperCase(Locale.ROOT))) {
                problems.add(key + ": must be ISO 3166 alpha-2 codes such as US,DE");
                return;
            }
        }
    }

    private void each(String key, List<String> values, Pattern pattern, String message) {
        for (String value : values) {
            if (!pattern.matcher(value).matches()) {
                problems.add(key + ": " + message);
                return;
            }
        }
    }
}
