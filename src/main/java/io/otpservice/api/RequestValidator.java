package io.otpservice.api;

import io.otpservice.api.auth.Caller;
import io.otpservice.api.auth.Scope;
import io.otpservice.config.OtpConfig;
import io.otpservice.config.Policy;
import io.otpservice.config.Settings;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import io.otpservice.recipient.Recipients;
import io.otpservice.verification.CheckCommand;
import io.otpservice.verification.CreateCommand;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns request bodies into the lifecycle's commands, or an {@code invalid-request} that lists every bad field.
 * The Twilio-compatible edge ({@code api.twilio}) validates through it too, so both APIs refuse the same input.
 */
@Singleton
public class RequestValidator {

    static final int MAX_TO = 320;
    static final int MAX_SESSION = 128;
    private static final Pattern CODE = Pattern.compile("[0-9]{4,10}");
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final Settings settings;
    private final OtpConfig config;
    private final Recipients recipients;

    public RequestValidator(Settings settings, Recipients recipients) {
        this.settings = settings;
        this.config = settings.config();
        this.recipients = recipients;
    }

    public CreateCommand create(CreateVerificationRequest body, Caller caller, HttpServerRequest http) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        unicode("to", body.to(), "channel", body.channel(), "purpose", body.purpose(), "locale", body.locale(),
                "session", body.session(), "clientIp", body.clientIp());
        List<FieldError> errors = new ArrayList<>();
        Optional<Recipient> recipient = recipient(body.to(), body.channel(), errors);
        Optional<Policy> policy = purpose(body.purpose(), errors);
        String locale = locale(body.locale(), errors);
        String session = session(body.session(), errors);
        String clientAddress = clientAddress(body.clientIp(), caller, http, errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        // the end user's address as the request states it (a key without the client-ip scope states none)
        boolean stated = body.clientIp() != null && caller.may(Scope.CLIENT_IP);
        return new CreateCommand(recipient.orElseThrow(), policy.orElseThrow(), locale, session, clientAddress,
                stated, caller.name());
    }

    /** The code and session of a check. */
    public CheckCommand check(CheckRequest body) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        unicode("code", body.code(), "session", body.session());
        List<FieldError> errors = new ArrayList<>();
        code(body.code(), errors);
        String session = session(body.session(), errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new CheckCommand(body.code(), session);
    }

    public record ByRecipient(Recipient recipient, Policy policy, CheckCommand check) {
    }

    public ByRecipient checkByRecipient(CheckByRecipientRequest body) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        unicode("to", body.to(), "purpose", body.purpose(), "code", body.code(), "session", body.session());
        List<FieldError> errors = new ArrayList<>();
        Optional<Recipient> recipient = recipient(body.to(), null, errors);
        Optional<Policy> policy = purpose(body.purpose(), errors);
        code(body.code(), errors);
        String session = session(body.session(), errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new ByRecipient(recipient.orElseThrow(), policy.orElseThrow(), new CheckCommand(body.code(), session));
    }

    private Optional<Recipient> recipient(String to, String channelName, List<FieldError> errors) {
        Optional<Channel> channel = channelName == null ? Optional.empty() : Channel.fromWire(channelName);
        if (channelName != null && channel.isEmpty()) {
            errors.add(new FieldError("channel", "must be sms or email"));
            return Optional.empty();
        }
        if (to == null || to.isBlank()) {
            errors.add(new FieldError("to", "is required: a phone number in E.164 form or an e-mail address"));
            return Optional.empty();
        }
        if (to.length() > MAX_TO || hasControl(to)) {
            errors.add(new FieldError("to", "must be a phone number or e-mail address of at most " + MAX_TO
                    + " characters, without control characters"));
            return Optional.empty();
        }
        Channel inferred = Channel.of(to);
        if (channel.isPresent() && channel.get() != inferred) {
            errors.add(new FieldError("to", "is not " + (channel.get() == Channel.SMS ? "a phone number" : "an e-mail address")
                    + " for channel " + channelName));
            return Optional.empty();
        }
        return switch (recipients.parse(inferred, to)) {
            case Recipients.Valid valid -> Optional.of(valid.recipient());
            case Recipients.Invalid invalid -> {
                errors.add(new FieldError("to", invalid.reason()));
                yield Optional.empty();
            }
        };
    }

    private Optional<Policy> purpose(String purpose, List<FieldError> errors) {
        String name = purpose == null ? Settings.DEFAULT_PURPOSE : purpose;
        if (!PURPOSE.matcher(name).matches()) {
            errors.add(new FieldError("purpose", "must be 1-32 of a-z, 0-9, '-' and '_'"));
            return Optional.empty();
        }
        Optional<Policy> policy = settings.policy(name);
        if (policy.isEmpty()) {
            errors.add(new FieldError("purpose", "is not a configured purpose"));
        }
        return policy;
    }

    private String locale(String tag, List<FieldError> errors) {
        if (tag == null) {
            return config.defaultLocale();
        }
        if (tag.isEmpty() || tag.length() > 35) {
            errors.add(new FieldError("locale", "must be a BCP 47 language tag such as en or pt-BR"));
            return null;
        }
        try {
            return new Locale.Builder().setLanguageTag(tag).build().toLanguageTag();
        } catch (IllformedLocaleException e) {
            errors.add(new FieldError("locale", "must be a BCP 47 language tag such as en or pt-BR"));
            return null;
        }
    }

    private static String session(String session, List<FieldError> errors) {
        if (session == null) {
            return null;
        }
        if (session.isEmpty() || session.codePointCount(0, session.length()) > MAX_SESSION || hasControl(session)) {
            errors.add(new FieldError("session", "must be 1-" + MAX_SESSION + " characters without control characters"));
            return null;
        }
        return session;
    }

    private static void code(String code, List<FieldError> errors) {
        if (code == null || !CODE.matcher(code).matches()) {
            errors.add(new FieldError("code", "must be 4-10 digits"));
        }
    }

    /**
     * The address the per-client limit counts: the body's clientIp for keys with the client-ip scope,
     * else the (proxy-resolved) remote address. IPv6 counts per /64, which one host usually owns.
     */
    private static String clientAddress(String clientIp, Caller caller, HttpServerRequest http,
                                        List<FieldError> errors) {
        String address = null;
        if (clientIp != null) {
            Optional<InetAddress> parsed = strictLiteral(clientIp) ? ipLiteral(clientIp) : Optional.empty();
            if (parsed.isEmpty()) {
                errors.add(new FieldError("clientIp",
                        "must be an IPv4 address in four decimal parts (203.0.113.7) or an IPv6 address without a zone (2001:db8::7)"));
                return null;
            }
            if (caller.may(Scope.CLIENT_IP)) {
                return canonical(parsed.get());
            }
        }
        if (http.remoteAddress() != null && http.remoteAddress().hostAddress() != null) {
            address = ipLiteral(http.remoteAddress().hostAddress()).map(RequestValidator::canonical)
                    .orElse(http.remoteAddress().hostAddress());
        }
        return address == null ? "unknown" : address;
    }

    /**
     * The address forms a caller means one way only: IPv4 as four decimal parts without leading zeros
     * ({@code 1.2.3} is 1.2.0.3 to the JDK and to inet_aton, {@code 010.0.0.1} is octal to some parsers),
     * IPv6 without brackets or a zone ({@code %eth0} names an interface of the sender's host, not an address).
     */
    static boolean strictLiteral(String text) {
        if (text.indexOf(':') < 0) {
            return IPV4.matcher(text).matches();
        }
        if (!IPV6_CHARS.matcher(text).matches()) {
            return false;
        }
        int lastColon = text.lastIndexOf(':');
        String tail = text.substring(lastColon + 1);
        return tail.indexOf('.') < 0 || IPV4.matcher(tail).matches();
    }

    private static Optional<InetAddress> ipLiteral(String text) {
        if (text.length() > 45 || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String canonical(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address.getHostAddress();
    }

    /**
     * Refuses every string field that is not well-formed Unicode (a JSON string's backslash-u escapes
     * allow a lone surrogate), before any other check: such a string has no UTF-8 form, so it could not
     * be hashed, stored or compared as what was sent. Takes field names and values in pairs; null is absent.
     */
    private static void unicode(String... namesAndValues) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value != null && !wellFormed(value)) {
                errors.add(new FieldError(namesAndValues[i], "must be well-formed Unicode text (no lone surrogate)"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    /** No unpaired surrogate. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            int type = Character.getType(s.charAt(i));
            if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.FORMAT) {
                return true;
            }
        }
        return false;
    }

    private static ApiException.InvalidRequest invalid(List<FieldError> errors) {
        return new ApiException.InvalidRequest("Some fields are not valid; see errors.", errors);
    }
}
