package io.otpservice.verification;

import io.otpservice.config.Settings;
import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The per-client create limit answers the same on both paths: counted inside the create script (one
 * round trip, a single Redis, what the API tests exercise) and counted first with a script of its
 * own (what Redis Cluster needs, since the client's log lives in another slot).
 */
@QuarkusTest
class ClientCreatesPathsTest extends ApiTest {

    @Inject
    VerificationService service;
    @Inject
    Recipients recipients;
    @Inject
    Settings settings;

    @ParameterizedTest(name = "one call: {0}")
    @ValueSource(booleans = {true, false})
    void theThirtyFirstCreateFromOneAddressIsRefused(boolean oneCall) {
        String ip = newClientIp();
        for (int i = 0; i < 30; i++) {
            VerificationService.Created created = service.limitedCreate(command(newEmail(), ip), oneCall)
                    .await().indefinitely();
            assertThat(created.created()).isTrue();
        }
        Throwable refused = catchThrowable(() -> service.limitedCreate(command(newEmail(), ip), oneCall)
                .await().indefinitely());
        assertThat(refused).isInstanceOf(DomainException.RateLimited.class);
        assertThat(((DomainException.RateLimited) refused).limit()).isEqualTo("client-creates");
        assertThat(((DomainException.RateLimited) refused).retryAfterSeconds()).isBetween(3590L, 3600L);
        // another address is not affected
        assertThat(service.limitedCreate(command(newEmail(), newClientIp()), oneCall).await().indefinitely()
                .created()).isTrue();
    }

    private CreateCommand command(String to, String ip) {
        Recipient recipient = recipients.parse("email", to, new String[1]).orElseThrow();
        return new CreateCommand(recipient, settings.policy("default").orElseThrow(), "en", null, ip);
    }
}
