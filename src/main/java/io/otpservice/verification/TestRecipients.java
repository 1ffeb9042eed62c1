package io.otpservice.verification;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.otpservice.recipient.Channel;
import io.otpservice.recipient.Recipient;
import io.otpservice.recipient.Recipients;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code otp.test-recipients}: recipients that get no delivery and always use a fixed code (load
 * tests, app-store review accounts). Announced loudly at start, masked.
 */
@Singleton
@Startup
public final class TestRecipients {

    private static final Logger LOG = Logger.getLogger(TestRecipients.class);

    private final Map<String, String> codes = new HashMap<>();

    public TestRecipients(OtpConfig config, Recipients recipients) {
        List<String> entries = config.testRecipients().orElse(List.of());
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            int split = entry.lastIndexOf(':');
            String key = "otp.test-recipients[" + i + "]";
            if (split <= 0) {
                throw new ConfigurationException(key + ": expected to:code, e.g. +15005550006:123456");
            }
            String to = entry.substring(0, split);
            String code = entry.substring(split + 1);
            if (!code.matches("[0-9]{4,10}")) {
                throw new ConfigurationException(key + ": the code must be 4-10 digits");
            }
            Recipient recipient = switch (recipients.parse(Channel.of(to), to)) {
                case Recipients.Valid valid -> valid.recipient();
                case Recipients.Invalid invalid -> throw new ConfigurationException(key + ": the recipient "
                        + invalid.reason());
            };
            String before = codes.put(recipient.normalised(), code);
            if (before != null) {
                throw new ConfigurationException(key + ": the same recipient as an earlier entry (" + recipient.masked()
                        + "): each test recipient has one code");
            }
            LOG.warnf("TEST RECIPIENT %s: no delivery, fixed code, no send windows. Remove it unless this is "
                    + "a load test or a review account.", recipient.masked());
        }
    }

    public Optional<String> fixedCode(Recipient recipient) {
        return Optional.ofNullable(codes.get(recipient.normalised()));
    }
}
