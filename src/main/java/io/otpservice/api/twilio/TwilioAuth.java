package io.otpservice.api.twilio;

import io.otpservice.api.RequestHeaders;
import io.otpservice.api.auth.ApiKeys;
import io.otpservice.api.auth.Caller;
import io.otpservice.config.OtpConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTTP Basic as Twilio's SDKs send it: user = an account SID, password = the credential. Here the
 * password is one of our API keys, found through the same SHA-256 hashes and scopes as on /v1, and
 * the user must be the account SID configured for that key ({@code otp.api-keys.<name>.twilio-account-sid}).
 * A key without one has no /v2. Every refusal is the same 20003, whatever was wrong.
 */
@Singleton
public class TwilioAuth {

    private static final String BASIC = "Basic ";
    /** Where the request's caller waits for the resource once found. */
    private static final String CALLER = "otp.twilio.caller";
    private static final int MAX_HEADER = 1024;
    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    /** The caller of a /v2 request: its API key and the account SID it answers to. */
    record TwilioCaller(Caller caller, String accountSid) {

        void require(String scope) {
            if (!caller.may(scope)) {
                throw TwilioException.forbidden(scope);
            }
        }
    }

    private final ApiKeys keys;
    private final Map<String, String> accountSidByKey = new HashMap<>();

    public TwilioAuth(ApiKeys keys, OtpConfig config) {
        this.keys = keys;
        config.apiKeys().forEach((name, key) -> key.twilioAccountSid().ifPresent(sid -> accountSidByKey.put(name, sid)));
    }

    /**
     * The caller of this request, from its one Authorization header (of two, two readers could take
     * different ones): authenticated once, by {@link TwilioStrangers} before the match, and kept on the
     * request for the resource.
     */
    TwilioCaller authenticate(RoutingContext rc) {
        TwilioCaller known = rc.get(CALLER);
        if (known != null) {
            return known;
        }
        TwilioCaller caller = authenticate(RequestHeaders.single(rc.request(), HttpHeaders.AUTHORIZATION));
        rc.put(CALLER, caller);
        return caller;
    }

    TwilioCaller authenticate(String authorization) {
        if (authorization == null || authorization.length() > MAX_HEADER
                || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            throw TwilioException.authenticate();
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TwilioException.authenticate();
        }
        int colon = credentials.indexOf(':');
        if (colon < 0 || colon == credentials.length() - 1
                || !ACCOUNT_SID.matcher(credentials.substring(0, colon)).matches()) {
            throw TwilioException.authenticate();
        }
        String user = credentials.substring(0, colon);
        Caller caller = keys.find(credentials.substring(colon + 1)).orElseThrow(TwilioException::authenticate);
        String accountSid = accountSidByKey.get(caller.name());
        if (accountSid == null || !accountSid.equalsIgnoreCase(user)) {
            throw TwilioException.authenticate();
        }
        return new TwilioCaller(caller, accountSid);
    }
}
