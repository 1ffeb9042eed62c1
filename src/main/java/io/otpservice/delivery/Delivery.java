package io.otpservice.delivery;

import io.otpservice.config.OtpConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Routes a message to the senders of its channel, in the configured order. */
@Singleton
@Startup
public class Delivery {

    private final List<Sender> sms;
    private final List<Sender> email;

    public Delivery(OtpConfig config, Instance<Sender> senders) {
        Map<String, Sender> byName = senders.stream().collect(Collectors.toMap(Sender::name, Function.identity()));
        this.sms = config.sms().providers().stream().map(n -> sender(byName, "otp.sms.providers", n)).toList();
        this.email = List.of(sender(byName, "otp.email.provider", config.email().provider()));
    }

    public Uni<DeliveryReport> deliver(Message message) {
        List<Sender> senders = "sms".equals(message.channel()) ? sms : email;
        // failover to the next provider comes with the real providers; the log sender never fails
        return senders.getFirst().send(message);
    }

    /** The provider tried first on a channel. */
    public String firstProvider(String channel) {
        return ("sms".equals(channel) ? sms : email).getFirst().name();
    }

    private static Sender sender(Map<String, Sender> byName, String key, String name) {
        Sender sender = byName.get(name);
        if (sender == null) {
            throw new IllegalArgumentException(key + ": provider '" + name + "' is not available in this build");
        }
        return sender;
    }
}
