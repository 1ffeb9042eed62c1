package io.otpservice.verification;

import io.otpservice.config.OtpConfig;
import io.otpservice.fraud.FraudGuard;
import io.otpservice.fraud.FraudRules;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a recipient may be sent a code at all: the channel is on, the SMS country allowed, the
 * number not of a type that never gets an SMS (premium rate and the like).
 */
@Singleton
public class Admission {

    private final OtpConfig config;
    private final FraudRules fraudRules;
    private final FraudGuard fraud;
    private final TestRecipients testRecipients;

    public Admission(OtpConfig config, FraudRules fraudRules, FraudGuard fraud, TestRecipients testRecipients) {
        this.config = config;
        this.fraudRules = fraudRules;
        this.fraud = fraud;
        this.testRecipients = testRecipients;
    }

    /** Throws {@link VerificationException.ChannelNotAllowed} when not. */
    public void admit(Recipient r) {
        if (r.channel() == Channel.SMS) {
            if (!config.sms().enabled()) {
                throw new VerificationException.ChannelNotAllowed("The sms channel is disabled.", null);
            }
            List<String> countries = config.sms().allowedCountries().orElse(List.of());
            if (!countries.isEmpty() && countries.stream().noneMatch(c -> c.equalsIgnoreCase(r.region()))) {
                throw new VerificationException.ChannelNotAllowed("SMS to numbers of " + r.region() + " is not allowed.",
                        null);
            }
            Optional<String> type = fraudRules.blockedType(r, testRecipients.fixedCode(r).isPresent());
            if (type.isPresent()) {
                fraud.refused(r.region(), FraudGuard.NUMBER_TYPE);
                String kind = type.get().toLowerCase(Locale.ROOT).replace('_', '-');
                throw new VerificationException.ChannelNotAllowed("SMS to " + kind + " numbers is not allowed.",
                        "is a " + kind + " number: SMS to this type of number is refused (" + type.get()
                                + " in otp.sms.blocked-number-types)");
            }
        } else if (!config.email().enabled()) {
            throw new VerificationException.ChannelNotAllowed("The email channel is disabled.", null);
        }
    }
}
