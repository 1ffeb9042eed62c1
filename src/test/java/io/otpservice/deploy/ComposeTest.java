package io.otpservice.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.otpservice.support.Kustomize.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose.yaml, checked for what can be checked without a Docker engine: the service builds from a
 * Dockerfile of ours, takes the env file the README's secrets command writes, reaches the Redis of the
 * file and waits for it to be healthy, publishes both ports, and runs as the image expects (read-only
 * root filesystem, a writable /tmp). DeploymentStartsIT starts the jar with its environment.
 */
class ComposeTest {

    private final Map<String, Object> services;

    ComposeTest() throws java.io.IOException {
        services = map(map(loadYaml(Path.of("compose.yaml")).getFirst()).get("services"));
    }

    @Test
    void theServiceBuildsFromOurDockerfileAndTakesTheGeneratedSecrets() {
        Map<String, Object> otp = map(services.get("otp-service"));
        Map<String, Object> build = map(otp.get("build"));
        assertThat(Path.of(str(build.get("context"))).resolve(str(build.get("dockerfile")))).isRegularFile();
        assertThat(otp.get("env_file")).isEqualTo("otp.env");
        assertThat(map(otp.get("environment"))).containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis:6379");
        assertThat(list(otp.get("ports"))).containsExactlyInAnyOrder("8080:8080", "9000:9000");
        assertThat(otp.get("read_only")).isEqualTo(true);
        assertThat(list(otp.get("tmpfs"))).contains("/tmp");
    }

    @Test
    void theServiceWaitsForAHealthyRedisThatNeverEvicts() {
        Map<String, Object> otp = map(services.get("otp-service"));
        assertThat(map(map(otp.get("depends_on")).get("redis"))).containsEntry("condition", "service_healthy");
        Map<String, Object> redis = map(services.get("redis"));
        assertThat(str(redis.get("image"))).matches("redis:7\\.[0-9]+-alpine");
        assertThat(map(redis.get("healthcheck")).get("test")).isEqualTo(List.of("CMD", "redis-cli", "ping"));
        assertThat(list(redis.get("command"))).containsSequence("--maxmemory-policy", "noeviction");
    }

    @Test
    void theReadmeAndTheSecretsCommandAgreeOnTheEnvFile() throws Exception {
        assertThat(Files.readString(Path.of("compose.yaml"))).contains("java deploy/new-secrets.java > otp.env");
        assertThat(Files.readString(Path.of("README.md"))).contains("docker compose up");
    }
}
