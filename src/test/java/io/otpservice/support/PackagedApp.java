package io.otpservice.support;

import io.otpservice.token.SigningKeys;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged fast-jar (target/quarkus-app) run as an operator would: its own process, only the
 * environment given (none of the caller's OTP_* or QUARKUS_* variables). C1 only: these runs are
 * short, and the cases of a class run side by side. C1-only runs also map a class-data archive of the
 * packaged app, made once per test JVM by a start of its own: it halves the CPU of each start (about
 * 1.8 to 0.9 s on two cores) and changes only how the JVM loads the classes, not what the app does.
 */
public final class PackagedApp {

    /** How a run ended: exited (with its code) or stopped by us; everything it printed. */
    public record Result(boolean exited, int exitCode, String output) {
    }

    /** The JVM options of a run unless told otherwise: C1 only, for short runs side by side. */
    public static final List<String> C1_ONLY = List.of("-XX:TieredStopAtLevel=1");

    private PackagedApp() {
    }

    /**
     * Runs the jar until it exits, or until {@code done} holds for what it printed so far (then it is
     * stopped), or for at most {@code seconds}.
     */
    public static Result run(Map<String, String> env, int seconds, java.util.function.Predicate<String> done)
            throws IOException, InterruptedException {
        return run(C1_ONLY, env, seconds, done);
    }

    /** As {@link #run(Map, int, java.util.function.Predicate)}, with these JVM options instead of C1 only. */
    public static Result run(List<String> jvmOptions, Map<String, String> env, int seconds,
            java.util.function.Predicate<String> done) throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with ./mvnw verify");
        }
        Path log = Files.createTempFile("otp-packaged", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        if (jvmOptions.equals(C1_ONLY)) {
            archive().ifPresent(archive -> command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OTP_") || k.startsWith("QUARKUS_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean exited = false;
        try {
            while (System.nanoTime() < deadline && !(exited = process.waitFor(100, TimeUnit.MILLISECONDS))) {
                if (done.test(Files.readString(log, StandardCharsets.UTF_8))) {
                    break;
                }
            }
        } finally {
            if (!exited) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(exited, exited ? process.exitValue() : -1, output);
    }

    /** A new EC P-256 signing key as PKCS#8 PEM, as otp.token.signing-key takes it. */
    public static String newSigningKey() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                SigningKeys.generate().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    private static Optional<Path> archive;

    /** A random HMAC secret of 32 bytes, base64 (the service refuses one of repeated bytes). */
    public static String newHmacSecret() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /**
     * The class-data archive of the packaged app: one start with a throwaway configuration (no Redis
     * needed), stopped once started; the JVM writes the classes it loaded as it exits. Empty when that
     * start fails: the runs then go without.
     */
    private static synchronized Optional<Path> archive() throws IOException, InterruptedException {
        if (archive == null) {
            Path file = Files.createTempFile("otp-packaged", ".jsa");
            Files.delete(file);
            Map<String, String> env = Map.of("OTP_HMAC_SECRETS", newHmacSecret(),
                    "OTP_TOKEN_SIGNING_KEY", newSigningKey(), "OTP_API_KEYS_ARCHIVE_HASH", "0".repeat(64),
                    "OTP_API_KEYS_ARCHIVE_SCOPES", "verify:read", "QUARKUS_HTTP_PORT", "0",
                    "QUARKUS_MANAGEMENT_PORT", "0", "QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:1");
            Result made = run(List.of("-XX:TieredStopAtLevel=1", "-XX:ArchiveClassesAtExit=" + file, "-Xlog:cds=off"),
                    env, 60, output -> output.contains("started in"));
            boolean written = !made.exited() && Files.exists(file) && Files.size(file) > 0;
            archive = written ? Optional.of(file) : Optional.empty();
            if (archive.isEmpty()) {
                System.err.println("no class-data archive of the packaged app, the runs go without:\n" + made.output());
            } else {
                file.toFile().deleteOnExit();
            }
        }
        return archive;
    }

    /** Runs the jar until Quarkus says it started (or it exits). */
    public static Result run(Map<String, String> env, int seconds) throws IOException, InterruptedException {
        return run(env, seconds, output -> output.contains("started in"));
    }

    /** Whether GET {@code url} answers 200 with a body holding {@code "status":"UP"}: readiness. */
    public static boolean up(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code url} answers 200 with a body containing {@code text}. */
    public static boolean answers(String url, String text) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains(text);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
