package io.otpservice.delivery;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Delivers to the log, for development. The message (and so the code) is printed only in dev mode;
 * in any other mode the line says a message was sent and to whom (masked).
 */
@Singleton
@Identifier("log") // Delivery creates only the configured providers, by this name
public class LogSender implements Sender {

    private static final Logger LOG = Logger.getLogger("otp.delivery.log");

    private final boolean devMode = LaunchMode.current() == LaunchMode.DEVELOPMENT;

    @Override
    public String name() {
        return "log";
    }

    @Override
    public Uni<Void> send(Outgoing out) {
        out.tried();
        Message m = out.message();
        if (devMode) {
            LOG.infof("[dev] %s to %s (%s, %s, %s):%n%s%s", m.channel().wire(), m.maskedRecipient(), m.purpose(), m.locale(),
                    m.reference(), out.subject() == null ? "" : "Subject: " + out.subject() + "\n", out.text());
        } else {
            LOG.infof("%s to %s (%s, %s) written to the log provider; the text is shown in dev mode only",
                    m.channel().wire(), m.maskedRecipient(), m.purpose(), m.reference());
        }
        return Uni.createFrom().voidItem();
    }
}
