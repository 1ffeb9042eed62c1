package io.otpservice.verification;

import io.otpservice.config.OtpConfig;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import jakarta.inject.Singleton;

import java.util.List;

/** Whether a recipient may be sent a code at all: the channel is on, the SMS country allowed. */
@Singleton
public class Admission {

    private final OtpConfig config;

    public Admission(OtpConfig config) {
        this.config = config;
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
        } else if (!config.email().enabled()) {
            throw new VerificationException.ChannelNotAllowed("The email channel is disabled.", null);
        }
    }
}
