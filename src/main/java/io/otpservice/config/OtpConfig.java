package io.otpservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration of otp-service (SPEC section 13). Ranges and forms are checked at start by
 * {@link ConfigChecks}, the checks that need parsing by {@link Settings}.
 */
@ConfigMapping(prefix = "otp")
public interface OtpConfig {

    String WINDOWS = "^\\s*\\d+\\s*/\\s*\\d+\\s*(ms|s|m|h|d)\\s*(,\\s*\\d+\\s*/\\s*\\d+\\s*(ms|s|m|h|d)\\s*)*$";
    String WINDOWS_MESSAGE = "must be a list of count/duration windows such as 5/15m,20/24h";
    String NUMBER_TYPES = "(?i)^(FIXED_LINE|MOBILE|FIXED_LINE_OR_MOBILE|TOLL_FREE|PREMIUM_RATE|SHARED_COST|VOIP"
            + "|PERSONAL_NUMBER|PAGER|UAN|VOICEMAIL|NONE)$";
    String NUMBER_TYPES_MESSAGE = "must be libphonenumber number types such as PREMIUM_RATE,SHARED_COST, or NONE";

    /** API keys by name: the SHA-256 of the key (never the key) and its scopes. */
    @WithName("api-keys")
    Map<String, ApiKey> apiKeys();

    /** Base64 secrets of at least 32 bytes; the first signs, all verify (rotation). */
    @WithName("hmac-secrets")
    Optional<List<String>> hmacSecrets();

    /** {@code to:code} pairs that get no delivery and always use the fixed code. */
    @WithName("test-recipients")
    Optional<List<String>> testRecipients();

    /** Locale used when a create names none. */
    @WithDefault("en")
    String defaultLocale();

    /** Code length of the default purpose (4–10). */
    @WithDefault("6")
    int codeLength();

    /** Life of a verification (1 min – 24 h). */
    @WithDefault("10m")
    Duration ttl();

    /** Checks allowed per verification (1–20). */
    @WithDefault("5")
    int maxAttempts();

    /** Sends allowed per verification, the first included (1–10). */
    @WithDefault("5")
    int maxSends();

    /** Named policies over the defaults above; {@code default} always exists. */
    Map<String, Purpose> purposes();

    Resend resend();

    Limits limits();

    Sms sms();

    Email email();

    Redis redis();

    Idempotency idempotency();

    Token token();

    Crypto crypto();

    /** WebOTP: the SMS ends with {@code @<domain> #<code>} when a domain is set. */
    Webotp webotp();

    Templates templates();

    /** The Twilio Verify v2 compatible API under /v2. */
    @WithName("twilio")
    TwilioApi twilioApi();

    /** Abuse and SMS-pumping protection: the prefix conversion guard, country budgets, the safe list. */
    Fraud fraud();

    Log log();

    /**
     * The public base URL of this service (https://otp.example.com). Providers are asked to send
     * delivery receipts under it, and Twilio signatures are checked against it.
     */
    @WithName("public-url")
    Optional<String> publicUrl();

    interface ApiKey {
        /** SHA-256 of the key, 64 hex digits. */
        String hash();

        /** verify:send, verify:check, verify:read, verify:cancel, verify:approve (/v2 only), client-ip, fraud:admin. */
        List<String> scopes();

        /** The Twilio account SID this key answers to on /v2 (HTTP Basic user); without it the key has no /v2. */
        Optional<String> twilioAccountSid();

        /** Create windows of this key (a tenant's budget), e.g. 1000/1h,10000/1d; none when unset. */
        Optional<String> creates();
    }

    interface Purpose {
        /** Overrides {@code otp.ttl}. */
        Optional<Duration> ttl();

        /** Overrides {@code otp.code-length}. */
        Optional<Integer> codeLength();

        /** Overrides {@code otp.max-attempts}. */
        Optional<Integer> maxAttempts();

        /** Overrides {@code otp.max-sends}. */
        Optional<Integer> maxSends();
    }

    interface Resend {
        /** Wait after the first send; doubles with each resend. */
        @WithDefault("30s")
        Duration cooldown();
    }

    interface Limits {
        /** Sends per recipient, as windows. */
        @WithDefault("5/15m,20/24h")
        String recipientSends();

        /** Failed checks per recipient across verifications. */
        @WithDefault("20/24h")
        String recipientFailures();

        /** Creates per client IP address (IPv6: per /64). */
        @WithDefault("30/1h")
        String clientCreates();
    }

    interface Sms {
        /** Whether the sms channel is offered. */
        @WithDefault("true")
        @WithConverter(StrictBoolean.class)
        boolean enabled();

        /** ISO 3166 region codes that may receive SMS; empty means all. */
        @WithName("allowed-countries")
        Optional<List<String>> allowedCountries();

        /**
         * libphonenumber number types that never get an SMS (premium-rate and the like: the ranges SMS
         * pumping pays itself from); NONE for no type.
         */
        @WithName("blocked-number-types")
        @WithDefault("PREMIUM_RATE,SHARED_COST,UAN,VOICEMAIL,PAGER")
        List<String> blockedNumberTypes();

        /** Providers in the order they are tried. */
        @WithDefault("log")
        List<String> providers();

        Twilio twilio();

        Vonage vonage();

        Webhook webhook();
    }

    /** Twilio Messages API. */
    interface Twilio {
        Optional<String> accountSid();

        Optional<String> authToken();

        /** Sender number or alphanumeric id; or use a messaging service. */
        Optional<String> from();

        Optional<String> messagingServiceSid();

        @WithDefault("https://api.twilio.com")
        String baseUrl();
    }

    /** Vonage SMS API. */
    interface Vonage {
        Optional<String> apiKey();

        Optional<String> apiSecret();

        /** Sender number or alphanumeric id. */
        Optional<String> from();

        /** Checks the signature of delivery receipts (SHA-256 HMAC signatures and signed JWTs). */
        Optional<String> signatureSecret();

        @WithDefault("https://rest.nexmo.com")
        String baseUrl();
    }

    /** A generic HTTP endpoint that sends the SMS: JSON, HMAC-SHA256 signed. */
    interface Webhook {
        Optional<String> url();

        /** Signs requests and receipts; at least 32 characters. */
        Optional<String> secret();
    }

    interface Webotp {
        /** The origin's domain, e.g. example.com. */
        Optional<String> domain();
    }

    interface Templates {
        /** Directory whose files override the shipped templates (same layout). */
        Optional<String> dir();
    }

    interface Email {
        /** Whether the email channel is offered. */
        @WithDefault("true")
        @WithConverter(StrictBoolean.class)
        boolean enabled();

        /** smtp or log. */
        @WithDefault("log")
        String provider();

        /** Sender address of the e-mails. */
        @WithDefault("no-reply@localhost")
        String from();
    }

    interface Redis {
        /** A Redis call that takes longer fails the request with 503 unavailable. */
        @WithDefault("2s")
        Duration timeout();

        /**
         * How long a state change that ends a verification (approve, fail, cancel) waits for a replica
         * to acknowledge it ({@code WAIT}), when its master has one; past it the answer is 503. Shorter
         * than {@code timeout}.
         */
        @WithDefault("500ms")
        Duration replicaAckTimeout();

        /** How often the Redis Cluster slot map and each master's replicas are read again. */
        @WithDefault("1s")
        Duration topologyRefresh();
    }

    interface Token {
        /** {@code iss} of the tokens. */
        @WithDefault("otp-service")
        String issuer();

        /** {@code aud} of the tokens: the backends that accept them. */
        @WithDefault("otp-service")
        String audience();

        /** Life of a token (at most 24 h). */
        @WithDefault("15m")
        Duration ttl();

        /** EC P-256 private key, PKCS#8 PEM; required outside dev and test. */
        Optional<String> signingKey();

        /** {@code kid} of the signing key; default its RFC 7638 thumbprint. */
        Optional<String> keyId();

        /** Public keys (PEM) of rotated-out signing keys, still published in the JWKS; kid = thumbprint. */
        Optional<List<String>> previousPublicKeys();
    }

    interface Log {
        /**
         * How often the console log's buffered lines are written (0 – 10 s); 0 writes each line as it
         * is logged. A process killed outright loses at most this much of its last lines.
         */
        @WithDefault("50ms")
        Duration flushInterval();
    }

    interface Crypto {
        /**
         * auto: a native provider (AWS-LC through the Amazon Corretto Crypto Provider) where it loads,
         * else the JDK's; jdk: always the JDK's; native: the native one or no start.
         */
        @WithDefault("auto")
        String provider();
    }

    /** /v2: Twilio Verify service SIDs and what they stand for. */
    interface TwilioApi {
        /** Service SID (VA and 32 hex digits, any case) to its settings; an unknown SID is 404 on /v2. */
        Map<String, TwilioService> services();
    }

    interface TwilioService {
        /** The purpose of the service's verifications. */
        @WithDefault("default")
        String purpose();

        /** The service's friendly_name; default the purpose. */
        Optional<String> friendlyName();
    }

    interface Idempotency {
        /** How long an Idempotency-Key remembers its first response. */
        @WithDefault("24h")
        Duration ttl();
    }

    interface Fraud {
        // named explicitly: validation messages name a group by its method otherwise (prefixGuard)
        @WithName("prefix-guard")
        PrefixGuard prefixGuard();

        /**
         * Send windows per destination country of an SMS (ISO code, e.g. {@code US=500/1h}), and
         * {@code default} for every country without its own; none when unset.
         */
        @WithName("country-sends")
        Map<String, String> countrySends();

        /** E.164 numbers or prefixes of them (+4420) that no fraud rule blocks and none counts. */
        @WithName("safe-list")
        Optional<List<String>> safeList();
    }

    /**
     * Counts sends and approvals per number prefix over a sliding window and pauses SMS to a prefix
     * whose codes are rarely entered: the signature of SMS pumping.
     */
    interface PrefixGuard {
        @WithDefault("true")
        @WithConverter(StrictBoolean.class)
        boolean enabled();

        /** A prefix is the country calling code plus this many leading national digits. */
        @WithDefault("3")
        int prefixDigits();

        /** Sends and approvals are counted over this sliding window. */
        @WithDefault("1h")
        Duration window();

        /** No judgement below this many sends to the prefix in the window. */
        @WithDefault("50")
        int minSends();

        /** Approvals over sends under this blocks the prefix (0 never blocks). */
        @WithDefault("0.1")
        double minConversion();

        /** How long a blocked prefix stays blocked (unless its conversion recovers or an operator lifts it). */
        @WithDefault("1h")
        Duration blockFor();
    }
}
