package io.otpservice.observability;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.net.NetClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;

/**
 * Can a connection to the SMTP server be opened, when e-mail goes out over SMTP? Reported in the health
 * group {@code delivery} ({@code /q/health/group/delivery}), not in readiness: a relay outage fails the
 * e-mail sends (502, then 503 with the breaker open) while SMS and checks go on, and taking every pod out
 * of the Service for it would stop those too.
 */
@HealthGroup("delivery")
@ApplicationScoped
public class SmtpReadiness implements AsyncHealthCheck {

    private static final int TIMEOUT_MS = 2000;

    private final NetClient client;
    private final boolean smtp;
    private final String host;
    private final int port;

    public SmtpReadiness(Vertx vertx, @ConfigProperty(name = "otp.email.provider") String provider,
                         @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
                         @ConfigProperty(name = "quarkus.mailer.port", defaultValue = "25") int port) {
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(TIMEOUT_MS));
        this.smtp = "smtp".equals(provider);
        this.host = host;
        this.port = port;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!smtp) {
            return Uni.createFrom().item(HealthCheckResponse.up("smtp (not used)"));
        }
        return client.connect(port, host)
                .ifNoItem().after(Duration.ofMillis(TIMEOUT_MS)).fail()
                .call(socket -> socket.close())
                .map(socket -> HealthCheckResponse.up("smtp"))
                .onFailure().recoverWithItem(HealthCheckResponse.named("smtp").down()
                        .withData("error", "no connection to " + host + ":" + port + " within " + TIMEOUT_MS + " ms").build());
    }
}
