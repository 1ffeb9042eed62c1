package io.otpservice.delivery;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.otpservice.observability.Metrics;
import io.otpservice.recipient.Channel;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a message and hands it to the providers of its channel in the configured order: each
 * provider retries transient failures itself (see the senders' fault-tolerance annotations), and
 * when it gives up, or its circuit is open, the next one is tried.
 */
@Singleton
@Startup
public final class Delivery {

    private static final Logger LOG = Logger.getLogger("otp.delivery");

    /** Every provider of the build, by name; only the configured ones are ever created (each builds a REST client). */
    private final Instance<Sender> byName;
    private final List<Sender> sms;
    private final List<Sender> email;
    /** Every provider in use, once. */
    private final List<Sender> configured;
    private final Templates templates;
    private final Metrics metrics;

    public Delivery(OtpConfig config, @Any Instance<Sender> senders, Templates templates, Metrics metrics,
                    CircuitBreakerMaintenance breakers) {
        this.templates = templates;
        this.metrics = metrics;
        this.byName = senders;
        this.sms = config.sms().providers().stream().distinct().map(n -> sender("otp.sms.providers", n)).toList();
        this.email = List.of(sender("otp.email.provider", config.email().provider()));
        List<Sender> all = new ArrayList<>(sms);
        email.stream().filter(s -> !all.contains(s)).forEach(all::add);
        this.configured = List.copyOf(all);
        List<String> problems = new ArrayList<>();
        for (Sender s : configured) {
            s.problems().forEach(p -> problems.add(p + " is required for the " + s.name() + " provider"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        for (Sender s : configured) {
            if (!(s instanceof LogSender)) {
                String name = s.name();
                breakers.onStateChange(name, state -> LOG.logf(state == CircuitBreakerState.CLOSED ? Logger.Level.INFO
                        : Logger.Level.WARN, "provider %s: circuit %s", name, switch (state) {
                            case OPEN -> "open: its sends go to the next provider, or answer 503, for a while";
                            case HALF_OPEN -> "half-open: trying a send";
                            case CLOSED -> "closed: in use again";
                        }));
            }
        }
        if (config.publicUrl().isEmpty() && sms.stream().anyMatch(s -> s.name().equals("twilio") || s.name().equals("vonage"))) {
            LOG.warn("otp.public-url is not set: Twilio and Vonage are not asked for delivery receipts, so no"
                    + " SMS is ever reported delivered or failed after it was sent");
        }
        if (LaunchMode.current() == LaunchMode.NORMAL && configured.stream().anyMatch(s -> s instanceof LogSender)) {
            LOG.warn("the 'log' provider is configured: codes sent through it reach nobody."
                    + " Set otp.sms.providers and otp.email.provider for production.");
        }
    }

    /** A configured provider by name, for its receipts. */
    public Optional<Sender> provider(String name) {
        return configured.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Uni<DeliveryReport> deliver(Message message) {
        Templates.Content content = templates.render(message);
        Outgoing out = new Outgoing(message, content.subject(), content.text(), content.html());
        return attempt(message.channel() == Channel.SMS ? sms : email, 0, out, null, true);
    }

    private Uni<DeliveryReport> attempt(List<Sender> senders, int index, Outgoing out, String lastError,
                                        boolean allOpen) {
        if (index == senders.size()) {
            return Uni.createFrom().failure(new DeliveryFailedException(senders.getLast().name(),
                    out.attempts().get(), lastError, allOpen, out.mayHaveBeenSent(), Duration.ofMillis(Resilience.BREAKER_DELAY_MS)));
        }
        Sender sender = senders.get(index);
        Message m = out.message();
        long start = System.nanoTime();
        int before = out.attempts().get();
        return sender.send(out)
                .map(ok -> {
                    metrics.sent(m.channel().wire(), sender.name(), "sent", elapsed(start));
                    return new DeliveryReport(sender.name(), out.attempts().get(), lastError);
                })
                .onFailure().recoverWithUni(failure -> {
                    // open: the breaker refused the first call, so this provider was not tried at all
                    boolean open = out.attempts().get() == before;
                    String reason = failure instanceof CircuitBreakerOpenException && !open
                            ? sender.name() + ": failed, then its circuit opened"
                            : Failures.describe(sender.name(), failure);
                    metrics.sent(m.channel().wire(), sender.name(), open ? "circuit_open" : "failed", elapsed(start));
                    // a provider skipped for its open circuit: the breaker's opening was logged once (below)
                    LOG.logf(open ? Logger.Level.DEBUG : Logger.Level.WARN, "delivery %s to=%s via %s failed: %s%s",
                            m.reference(), m.maskedRecipient(), sender.name(), reason,
                            index + 1 < senders.size() ? "; trying the next provider" : "");
                    return attempt(senders, index + 1, out, reason, allOpen && open);
                });
    }

    private Sender sender(String key, String name) {
        Instance<Sender> sender = byName.select(Identifier.Literal.of(name));
        if (!sender.isResolvable()) {
            throw new ConfigurationException(key + ": provider '" + name + "' is not available in this build");
        }
        return sender.get();
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
