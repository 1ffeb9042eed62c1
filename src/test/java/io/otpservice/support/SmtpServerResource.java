package io.otpservice.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.otpservice.dev.RedisProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** GreenMail: a real SMTP server in-process on a free port. */
public class SmtpServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail greenMail;
    private static volatile int port;

    @Override
    public Map<String, String> start() {
        // a free port can be taken by another process before the server binds it: then another one
        for (int attempt = 1; ; attempt++) {
            port = RedisProcess.freePort();
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            try {
                greenMail.start();
                return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port));
            } catch (IllegalStateException taken) {
                greenMail.stop();
                if (attempt == 3) {
                    throw taken;
                }
            }
        }
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    public static GreenMail greenMail() {
        return greenMail;
    }
}
