package io.otpservice.api.twilio;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.otpservice.config.Policy;
import io.otpservice.config.Settings;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Twilio Verify services this instance answers for: {@code otp.twilio.services.<VA sid>.purpose}
 * maps a service SID to one of our purposes. Checked at start. SIDs compare without case, because a
 * map key set through an environment variable ({@code OTP_TWILIO_SERVICES_VA…_PURPOSE}) comes back
 * lower-cased. Each service has a purpose of its own: Twilio keeps services apart, and two services on one
 * purpose would share their verifications (a code sent for one would approve a check on the other).
 */
@Singleton
@Startup
public class TwilioServices {

    private static final Pattern CONFIGURED_SID = Pattern.compile("va[0-9a-f]{32}", Pattern.CASE_INSENSITIVE);
    /** A SID in a request: Twilio's own form, upper-case prefix. */
    private static final Pattern SID = Pattern.compile("VA[0-9a-fA-F]{32}");

    /** One service: the SID as the request spelled it, the purpose's policy, its friendly name. */
    record Service(String sid, Policy policy, String friendlyName) {

        /** The path of the service below /v2, for messages and URLs. */
        String path() {
            return "/Services/" + sid;
        }
    }

    private record Configured(Policy policy, String friendlyName) {
    }

    private final Map<String, Configured> services = new HashMap<>();

    public TwilioServices(OtpConfig config, Settings settings) {
        Map<String, String> purposes = new HashMap<>();
        config.twilioApi().services().forEach((sid, service) -> {
            String key = "otp.twilio.services." + sid;
            if (!CONFIGURED_SID.matcher(sid).matches()) {
                throw new ConfigurationException(key + ": not a Twilio Verify service SID (VA and 32 hex digits)");
            }
            Policy policy = settings.policy(service.purpose()).orElseThrow(() -> new ConfigurationException(
                    key + ".purpose: '" + service.purpose() + "' is not a configured purpose"));
            String name = service.friendlyName().orElse(policy.name());
            if (services.put(sid.toLowerCase(Locale.ROOT), new Configured(policy, name)) != null) {
                throw new ConfigurationException(key + ": configured twice (SIDs compare without case)");
            }
            String other = purposes.putIfAbsent(policy.name(), sid);
            if (other != null) {
                throw new ConfigurationException(key + ".purpose: '" + policy.name() + "' is already the purpose of "
                        + "otp.twilio.services." + other + "; each Verify service needs a purpose of its own, or the two "
                        + "would share their verifications");
            }
        });
    }

    /** The service of a SID from a request path; empty when malformed or not configured. */
    Optional<Service> find(String sid) {
        if (sid == null || !SID.matcher(sid).matches()) {
            return Optional.empty();
        }
        Configured configured = services.get(sid.toLowerCase(Locale.ROOT));
        return configured == null ? Optional.empty()
                : Optional.of(new Service(sid, configured.policy(), configured.friendlyName()));
    }
}
