package io.otpservice.verification;

import io.otpservice.config.OtpConfig;
import io.otpservice.config.Policy;
import io.otpservice.config.Settings;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns request bodies into commands, or an {@code invalid-request} that lists every bad field. */
@Singleton
public class RequestValidator {

    static final int MAX_TO = 320;
    static final int MAX_SESSION = 128;
    private static final Pattern CODE = Pattern.compile("[0-9]{4,10}");
    private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Set<String> CHANNELS = Set.of("sms", "email");

    private final Settings settings;
    private final OtpConfig config;
    private final Recipients recipients;

    public RequestValidator(Settings settings, Recipients recipients) {
        this.settings = settings;
        this.config = settings.config();
        this.recipients = recipients;
    }

    CreateCommand create(CreateVerificationRequest body, Caller caller, HttpServerRequest http) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        List<FieldError> errors = new ArrayList<>();
        Optional<Recipient> recipient = recipient(body.to(), body.channel(), errors);
        Optional<Policy> policy = purpose(body.purpose(), errors);
        String locale = locale(body.locale(), errors);
        String session = session(body.session(), errors);
        String clientAddress = clientAddress(body.clientIp(), caller, http, errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        Recipient r = recipient.orElseThrow();
        allowed(r);
        return new CreateCommand(r, policy.orElseThrow(), locale, session, clientAddress);
    }

    /** The code and session of a check. */
    CheckRequest check(CheckRequest body) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        List<FieldError> errors = new ArrayList<>();
        code(body.code(), errors);
        String session = session(body.session(), errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new CheckRequest(body.code(), session);
    }

    record ByRecipient(Recipient recipient, Policy policy, CheckRequest check) {
    }

    ByRecipient checkByRecipient(CheckByRecipientRequest body) {
        if (body == null) {
            throw invalid(List.of(new FieldError("body", "a JSON object is required")));
        }
        List<FieldError> errors = new ArrayList<>();
        Optional<Recipient> recipient = recipient(body.to(), null, errors);
        Optional<Policy> policy = purpose(body.purpose(), errors);
        code(body.code(), errors);
        String session = session(body.session(), errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new ByRecipient(recipient.orElseThrow(), policy.orElseThrow(), new CheckRequest(body.code(), session));
    }

    private Optional<Recipient> recipient(String to, String channel, List<FieldError> errors) {
        if (channel != null && !CHANNELS.contains(channel)) {
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
        String inferred = Recipients.inferChannel(to);
        if (channel != null && !channel.equals(inferred)) {
            errors.add(new FieldError("to", "is not " + ("sms".equals(channel) ? "a phone number" : "an e-mail address")
                    + " for channel " + channel));
            return Optional.empty();
        }
        String[] why = new String[1];
        Optional<Recipient> parsed = recipients.parse(inferred, to, why);
        if (parsed.isEmpty()) {
            errors.add(new FieldError("to", why[0]));
        }
        return parsed;
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
        if (session.isEmpty() || session.length() > MAX_SESSION || hasControl(session)) {
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
            Optional<InetAddress> parsed = ipLiteral(clientIp);
            if (parsed.isEmpty()) {
                errors.add(new FieldError("clientIp", "must be an IPv4 or IPv6 address"));
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

    private void allowed(Recipient r) {
        if ("sms".equals(r.channel())) {
            if (!config.sms().enabled()) {
                throw new DomainException.ChannelNotAllowed("The sms channel is disabled.");
            }
            List<String> countries = config.sms().allowedCountries().orElse(List.of());
            if (!countries.isEmpty() && countries.stream().noneMatch(c -> c.equalsIgnoreCase(r.region()))) {
                throw new DomainException.ChannelNotAllowed("SMS to numbers of " + r.region() + " is not allowed.");
            }
        } else if (!config.email().enabled()) {
            throw new DomainException.ChannelNotAllowed("The email channel is disabled.");
        }
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

    private static DomainException.InvalidRequest invalid(List<FieldError> errors) {
        return new DomainException.InvalidRequest("Some fields are not valid; see errors.", errors);
    }
}
