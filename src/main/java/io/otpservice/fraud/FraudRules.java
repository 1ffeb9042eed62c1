package io.otpservice.fraud;

import io.otpservice.config.OtpConfig;
import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limits;
import io.otpservice.ratelimit.PrefixGuard;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import io.otpservice.store.StoredVerification;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which abuse-protection rules a recipient is held to (README "Abuse protection"): the number types
 * that never get an SMS, the prefix whose conversion guard counts its sends, the country and API-key
 * budgets. Test recipients and the safe list are held to none of them, and counted by none.
 */
@Singleton
@Startup
public final class FraudRules {

    /** At least this many national digits of every number stay out of its prefix (as many as a masked number shows). */
    static final int HIDDEN_DIGITS = 4;

    private final Set<String> blockedTypes = new HashSet<>();
    private final List<String> safeList;
    private final Optional<PrefixGuard> guard;
    private final Limits limits;

    public FraudRules(OtpConfig config, Limits limits) {
        for (String type : config.sms().blockedNumberTypes()) {
            blockedTypes.add(type.strip().toUpperCase(Locale.ROOT));
        }
        if (blockedTypes.contains("NONE") && blockedTypes.size() > 1) {
            throw new IllegalArgumentException("otp.sms.blocked-number-types: NONE cannot be combined with types");
        }
        blockedTypes.remove("NONE");
        this.safeList = config.fraud().safeList().orElse(List.of()).stream().map(String::strip).toList();
        this.guard = limits.prefixGuard();
        this.limits = limits;
    }

    /** On the safe list: no fraud rule blocks it and none counts it. */
    public boolean safe(Recipient r) {
        return r.channel() == Channel.SMS && safe(r.normalised());
    }

    private boolean safe(String e164) {
        for (String entry : safeList) {
            if (e164.startsWith(entry)) {
                return true;
            }
        }
        return false;
    }

    /** The libphonenumber type of an SMS recipient that may not get an SMS, unless it is exempt. */
    public Optional<String> blockedType(Recipient r, boolean testRecipient) {
        if (r.channel() != Channel.SMS || testRecipient || safe(r) || !blockedTypes.contains(r.numberType())) {
            return Optional.empty();
        }
        return Optional.of(r.numberType());
    }

    /**
     * The prefix of a phone number: its country calling code and the configured number of national
     * digits, fewer for short numbers so that at least {@value #HIDDEN_DIGITS} digits stay out of it.
     */
    public static String prefix(Recipient r, int digits) {
        String national = r.nationalNumber();
        int n = Math.max(0, Math.min(digits, national.length() - HIDDEN_DIGITS));
        return "+" + r.callingCode() + national.substring(0, n);
    }

    /** The rules a create is held to; {@code apiKey} names the caller's key. */
    public Guards forCreate(Recipient r, boolean testRecipient, String apiKey) {
        if (testRecipient || safe(r)) {
            return Guards.NONE;
        }
        boolean sms = r.channel() == Channel.SMS;
        String prefix = sms && guard.isPresent() ? prefix(r, guard.get().prefixDigits()) : null;
        String country = sms ? r.region() : null;
        String key = limits.apiKeyCreates(apiKey).isEmpty() ? null : apiKey;
        return new Guards(prefix, country, key);
    }

    /**
     * The rules a resend of {@code v} to {@code recipient} (normalised) is held to: the prefix its
     * first send was counted for (none when none was), the country's budget.
     */
    public Guards forResend(StoredVerification v, String recipient) {
        if (v.testRecipient() || v.channel() != Channel.SMS || safe(recipient)) {
            return Guards.NONE;
        }
        String prefix = guard.isPresent() ? v.prefix() : null;
        return new Guards(prefix, v.country(), null);
    }
}
