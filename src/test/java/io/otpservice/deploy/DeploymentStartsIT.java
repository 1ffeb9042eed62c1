package io.otpservice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.otpservice.dev.RedisProcess;
import io.otpservice.support.Kustomize;
import io.otpservice.support.PackagedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static io.otpservice.support.Kustomize.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the deployment docs say to run starts: the packaged jar with exactly the environment each
 * Kubernetes overlay renders (ConfigMap, Secret, env, mounted ConfigMaps), and with the environment
 * of each Dockerfile's `docker run` example, becomes ready. Only what points outside is redirected:
 * Redis to a test one, SMTP to GreenMail, ports to free ones. Secrets that operators bring are made
 * the way the README says, with deploy/new-secrets.java.
 */
@Execution(ExecutionMode.CONCURRENT)
class DeploymentStartsIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static RedisProcess redis;
    private static GreenMail smtp;

    @BeforeAll
    static void servers() {
        redis = RedisProcess.launch();
        smtp = new GreenMail(new ServerSetup(RedisProcess.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    static void stop() {
        redis.stop();
        smtp.stop();
    }

    @ParameterizedTest(name = "overlay {0}")
    @ValueSource(strings = {"dev", "prod"})
    void eachOverlayStartsWithTheEnvironmentItRenders(String overlay) throws Exception {
        List<Map<String, Object>> rendered = Kustomize.build(ROOT.resolve("deploy/k8s/overlays").resolve(overlay));
        Map<String, Object> deployment = rendered.stream().filter(r -> "Deployment".equals(r.get("kind"))
                && "otp-service".equals(name(r))).findFirst().orElseThrow();
        Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        Map<String, Object> container = maps(pod.get("containers")).stream()
                .filter(c -> "otp-service".equals(c.get("name"))).findFirst().orElseThrow();

        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
            if (from.containsKey("configMapRef")) {
                env.putAll(data(find(rendered, "ConfigMap", str(map(from.get("configMapRef")).get("name")))));
            } else {
                String secret = str(map(from.get("secretRef")).get("name"));
                Map<String, Object> found = find(rendered, "Secret", secret);
                // prod: the operator creates the Secret, with the keys of secret.example.yaml
                env.putAll(found != null ? data(found) : operatorSecret());
            }
        }
        for (Map<String, Object> e : maps(container.get("env"))) {
            env.put(str(e.get("name")), str(e.get("value")));
        }
        // mounted ConfigMaps become directories; settings that point into a mount follow it
        for (Map<String, Object> mount : maps(container.get("volumeMounts"))) {
            Map<String, Object> volume = maps(pod.get("volumes")).stream()
                    .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
            if (volume.containsKey("configMap")) {
                Path dir = Files.createTempDirectory("otp-mount");
                Map<String, Object> configMap = find(rendered, "ConfigMap", str(map(volume.get("configMap")).get("name")));
                if (configMap != null) {
                    for (Map.Entry<String, String> file : data(configMap).entrySet()) {
                        Files.writeString(dir.resolve(file.getKey()), file.getValue());
                    }
                }
                String path = str(mount.get("mountPath"));
                env.replaceAll((k, v) -> v.startsWith(path) ? dir + v.substring(path.length()) : v);
            }
        }
        assertStartsAndIsReady(env);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro"})
    void theDockerRunExampleOfEachImageStarts(String dockerfile) throws Exception {
        String text = Files.readString(ROOT.resolve("src/main/docker").resolve(dockerfile));
        Matcher run = Pattern.compile("#\\s+docker run (.*?)otp-service:", Pattern.DOTALL).matcher(text);
        assertThat(run.find()).as(dockerfile + " shows how to run it").isTrue();
        String command = run.group(1).replaceAll("\\\\\\n#\\s*", " ");
        Map<String, String> env = new HashMap<>();
        Matcher envFile = Pattern.compile("--env-file\\s+(\\S+)").matcher(command);
        while (envFile.find()) {
            assertThat(envFile.group(1)).as("the env file the README's secrets command writes").isEqualTo("otp.env");
            env.putAll(newSecrets());
        }
        Matcher e = Pattern.compile("(?:-e|--env)\\s+([A-Z0-9_]+)=(\\S+)").matcher(command);
        while (e.find()) {
            env.put(e.group(1), e.group(2));
        }
        if (dockerfile.equals("Dockerfile.jvm")) {
            // with the image's own JVM flags, /deployments being target/quarkus-app: a flag this JVM refuses
            // (or a wrong library path) would keep the image from starting
            List<String> flags = imageJvmFlags(text);
            assertThat(flags).contains("-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=32m");
            String output = assertStartsAndIsReady(flags, env);
            String arch = System.getProperty("os.arch");
            if (System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
                // the native crypto provider ships for these two: loaded from the image's lib/native
                assertThat(output).contains("(native, first)");
                // packaged unsigned: the JDK's AOT cache holds no class of a signed jar (application.properties)
                assertThat(providerJarEntries()).isNotEmpty().noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|RSA)"));
            }
        } else {
            assertStartsAndIsReady(env);
        }
    }

    /** The entries of the native crypto provider's jar as packaged in target/quarkus-app/lib/main. */
    private static List<String> providerJarEntries() throws IOException {
        try (var jars = Files.list(ROOT.resolve("target/quarkus-app/lib/main"))) {
            Path jar = jars.filter(p -> p.getFileName().toString().contains("AmazonCorrettoCryptoProvider")).findFirst()
                    .orElseThrow();
            try (var zip = new ZipFile(jar.toFile())) {
                return zip.stream().map(ZipEntry::getName).toList();
            }
        }
    }

    /** JAVA_OPTS_BASE and JAVA_OPTS of Dockerfile.jvm, as its entrypoint passes them to java. */
    private static List<String> imageJvmFlags(String dockerfile) {
        String deployments = ROOT.resolve("target/quarkus-app").toAbsolutePath().toString();
        List<String> flags = new ArrayList<>();
        for (String variable : List.of("JAVA_OPTS_BASE", "JAVA_OPTS")) {
            Matcher value = Pattern.compile("\\b" + variable + "=\"([^\"]*)\"").matcher(dockerfile);
            assertThat(value.find()).as("Dockerfile.jvm sets " + variable).isTrue();
            for (String flag : value.group(1).trim().split("\\s+")) {
                flags.add(flag.replace("/deployments", deployments));
            }
        }
        return flags;
    }

    @org.junit.jupiter.api.Test
    void theComposeFileEnvironmentStarts() throws Exception {
        Map<String, Object> service = map(map(map(loadYaml(ROOT.resolve("compose.yaml")).getFirst()).get("services"))
                .get("otp-service"));
        assertThat(service.get("env_file")).isEqualTo("otp.env");
        Map<String, String> env = new HashMap<>(newSecrets());
        map(service.get("environment")).forEach((k, v) -> env.put(k, str(v)));
        assertStartsAndIsReady(env);
    }

    /**
     * The production console log is buffered and written every otp.log.flush-interval: a request's JSON
     * line reaches stdout while the service runs, not only when it stops. And a start followed by requests
     * on many connections (so on every event loop, each with its own Redis connection) writes no warning
     * or error from a library: operators would read each as a fault they cannot act on.
     */
    @org.junit.jupiter.api.Test
    void theRequestLogReachesStdoutWhileTheServiceRuns() throws Exception {
        Map<String, String> env = new HashMap<>(newSecrets());
        env.put("OTP_API_KEYS_LOGCHECK_HASH", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest("log-check-key".getBytes(StandardCharsets.UTF_8))));
        env.put("OTP_API_KEYS_LOGCHECK_SCOPES", "verify:read");
        env.put("QUARKUS_LOG_CATEGORY__OTP_REQUEST__LEVEL", "DEBUG"); // to see which way its lines are written
        env.put("QUARKUS_REDIS_HOSTS", redis.uri());
        env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
        env.put("QUARKUS_MAILER_PORT", Integer.toString(smtp.getSmtp().getPort()));
        int port = RedisProcess.freePort();
        int management = RedisProcess.freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        String ready = "http://127.0.0.1:" + management + "/q/health/ready";
        String id = "VE" + "0".repeat(32);
        HttpRequest read = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/verifications/" + id))
                .header("Authorization", "Bearer log-check-key").timeout(Duration.ofSeconds(5)).build();
        AtomicInteger status = new AtomicInteger();
        AtomicBoolean seenRunning = new AtomicBoolean();
        PackagedApp.Result result = PackagedApp.run(env, 90, output -> {
            if (status.get() == 0 && PackagedApp.up(ready)) {
                try {
                    HttpClient client = HttpClient.newHttpClient();
                    List<Integer> burst = IntStream.range(0, 16)
                            .mapToObj(i -> client.sendAsync(read, HttpResponse.BodyHandlers.discarding()))
                            .toList().stream().map(f -> f.join().statusCode()).toList();
                    assertThat(burst).containsOnly(404);
                    status.set(client.send(read, HttpResponse.BodyHandlers.discarding()).statusCode());
                } catch (IOException | CompletionException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            seenRunning.set(status.get() != 0 && output.lines().anyMatch(l -> l.contains("\"op\":\"read\"")));
            return seenRunning.get();
        });
        assertThat(status.get()).as(result.output()).isEqualTo(404);
        assertThat(seenRunning).as(result.output()).isTrue();
        String line = result.output().lines().filter(l -> l.contains("\"op\":\"read\"")).findFirst().orElseThrow();
        assertThat(line).startsWith("{").contains("\"id\":\"" + id + "\"").contains("\"status\":\"404\"");
        assertThat(result.output()).as("request lines filled into the JSON format's template")
                .contains("Request log: lines written from the JSON formatters' templates");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("loggerName").asText()).isEqualTo("otp.request");
        assertThat(json.path("message").asText()).startsWith("read " + id + " -> ").endsWith(" ms");
        assertThat(json.path("mdc").path("op").asText()).isEqualTo("read");
        assertThat(json.path("mdc").path("durationMs").asText()).matches("\\d+\\.\\d{3}");
        assertThat(result.output().lines().filter(l -> l.contains("\"level\":\"WARN\"") || l.contains("\"level\":\"ERROR\""))
                .filter(l -> !l.contains("\"loggerName\":\"io.otpservice.") && !l.contains("\"loggerName\":\"otp.")))
                .as("warnings and errors of libraries").isEmpty();
    }

    /**
     * A single Redis configured as a cluster: readiness says why no slot map comes, in Redis' own words,
     * instead of only that no node answered.
     */
    @org.junit.jupiter.api.Test
    void aSingleRedisConfiguredAsAClusterIsReportedInRedisWords() throws Exception {
        Map<String, String> env = new HashMap<>(newSecrets());
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
        env.put("QUARKUS_REDIS_HOSTS", redis.uri());
        int management = RedisProcess.freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(RedisProcess.freePort()));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        java.util.concurrent.atomic.AtomicReference<String> body = new java.util.concurrent.atomic.AtomicReference<>("");
        PackagedApp.Result result = PackagedApp.run(env, 60, output -> {
            try {
                body.set(HttpClient.newHttpClient().send(ready, HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            return body.get().contains("cluster support disabled");
        });
        assertThat(body.get().replace(" ", "")).as(result.output()).contains("\"status\":\"DOWN\"");
        assertThat(body.get()).contains("answered CLUSTER NODES (127.0.0.1:").contains("ERR This instance has cluster support disabled");
    }

    private static void assertStartsAndIsReady(Map<String, String> env) throws Exception {
        assertStartsAndIsReady(PackagedApp.C1_ONLY, env);
    }

    /** Starts the packaged app with these JVM flags and environment; returns what it printed. */
    private static String assertStartsAndIsReady(List<String> jvmFlags, Map<String, String> env) throws Exception {
        assertThat(env).containsKey("QUARKUS_REDIS_HOSTS");
        env.put("QUARKUS_REDIS_HOSTS", redis.uri());
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "standalone");
        env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
        env.put("QUARKUS_MAILER_PORT", Integer.toString(smtp.getSmtp().getPort()));
        int management = RedisProcess.freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(RedisProcess.freePort()));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        String ready = "http://127.0.0.1:" + management + "/q/health/ready";
        // the packaged app builds its OpenAPI document on the first request (LazyOpenApiDocumentService)
        String openapi = "http://127.0.0.1:" + management + "/q/openapi";
        PackagedApp.Result result = PackagedApp.run(jvmFlags, env, 90,
                output -> PackagedApp.up(ready) && PackagedApp.answers(openapi, "openapi: 3"));
        assertThat(result.exited()).as(result.output()).isFalse();
        assertThat(result.output()).contains("started in");
        return result.output();
    }

    /** The Secret an operator creates: secret.example.yaml's keys, the generated ones from new-secrets.java. */
    private static Map<String, String> operatorSecret() throws Exception {
        Map<String, Object> example = map(loadYaml(ROOT.resolve("deploy/k8s/base/secret.example.yaml")).getFirst());
        Map<String, String> env = new HashMap<>();
        map(example.get("stringData")).forEach((k, v) -> env.put(k, str(v)));
        Map<String, String> generated = newSecrets();
        env.keySet().removeIf(k -> k.startsWith("OTP_API_KEYS_"));
        env.putAll(generated);
        // the operator puts its provider account in place of the placeholder (its form is checked at start)
        env.put("OTP_SMS_TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32));
        return env;
    }

    /** What `java deploy/new-secrets.java > otp.env` writes. */
    private static Map<String, String> newSecrets() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "deploy/new-secrets.java").directory(ROOT.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(err).contains("OTP_API_KEY=otp_");
        Map<String, String> env = new HashMap<>();
        out.lines().filter(l -> !l.startsWith("#") && l.contains("=")).forEach(l ->
                env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(env).containsKeys("OTP_HMAC_SECRETS", "OTP_TOKEN_SIGNING_KEY", "OTP_API_KEYS_BACKEND_HASH",
                "OTP_API_KEYS_BACKEND_SCOPES");
        return env;
    }

    private static Map<String, Object> find(List<Map<String, Object>> rendered, String kind, String name) {
        return rendered.stream().filter(r -> kind.equals(r.get("kind")) && name.equals(name(r))).findFirst()
                .orElse(null);
    }

    /** A ConfigMap's data, or a Secret's data (base64) and stringData, as text. */
    private static Map<String, String> data(Map<String, Object> resource) {
        Map<String, String> out = new HashMap<>();
        boolean secret = "Secret".equals(resource.get("kind"));
        map(resource.get("data")).forEach((k, v) -> out.put(k, secret
                ? new String(Base64.getMimeDecoder().decode(str(v)), StandardCharsets.UTF_8) : str(v)));
        map(resource.get("stringData")).forEach((k, v) -> out.put(k, str(v)));
        return out;
    }
}
