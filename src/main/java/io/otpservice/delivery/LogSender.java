package io.otpservice.delivery;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Delivers to the log, for development. The code itself is printed only in dev mode; in any other
 * mode the line says a code was sent and to whom (masked).
 */
@Singleton
public class LogSender implements Sender {

    private static final Logger LOG = Logger.getLogger("otp.delivery.log");

    private final boolean devMode = LaunchMode.current() == LaunchMode.DEVELOPMENT;

    @Override
    public String name() {
        return "log";
    }

    @Override
    public Uni<DeliveryReport> send(Message message) {
        if (devMode) {
            LOG.infof("[dev] %s code for %s (%s, %s): %s", message.channel(), message.maskedRecipient(),
                    message.purpose(), message.verificationId(), message.code());
        } else {
            LOG.infof("%s code for %s (%s, %s) written to the log provider; the code is shown in dev mode only",
                    message.channel(), message.maskedRecipient(), message.purpose(), message.verificationId());
        }
        return Uni.createFrom().item(DeliveryReport.sent(name(), 1));
    }
}
