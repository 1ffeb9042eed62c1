package io.otpservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.otpservice.support.Kustomize;
import org.junit.jupiter.api.BeforeAll;

import static io.otpservice.support.Kustomize.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders each kustomize overlay under deploy/k8s and checks what operators rely on: probes,
 * resources, security context, images, selectors, scaling, network policy, and that the Grafana
 * dashboard and the alert rules only query metrics the service exports.
 *
 * <p>The rendering is done by {@link Kustomize}, the subset of kustomize the manifests use (it fails
 * on any field it does not implement); {@code kubectl kustomize} renders the same resources.
 */
class ManifestsTest {

    private static final Path ROOT = projectRoot();
    private static final Path K8S = ROOT.resolve("deploy/k8s");
    private static final String APP = "otp-service";
    private static final Map<String, String> APP_LABEL = Map.of("app.kubernetes.io/name", APP);

    /** Prometheus names of what the service exports: its own meters, HTTP server timings, SmallRye FT. */
    private static final Set<String> EXPORTED_METRICS = exportedMetrics();

    private static final Map<String, List<Map<String, Object>>> RENDERED = new HashMap<>();

    @BeforeAll
    static void render() throws IOException {
        for (String overlay : List.of("dev", "prod")) {
            RENDERED.put(overlay, Kustomize.build(K8S.resolve("overlays").resolve(overlay)));
        }
    }

    // --- every overlay ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAskTheManagementPortForTheHealthPaths(String overlay) {
        Map<String, Object> container = appContainer(overlay);
        Map<String, Integer> ports = containerPorts(container);
        assertThat(ports).containsEntry("management", 9000);

        Map<String, String> paths = Map.of(
                "startupProbe", "/q/health/started",
                "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        paths.forEach((probe, path) -> {
            Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
            assertThat(httpGet).as("%s of %s", probe, overlay).isNotEmpty();
            assertThat(httpGet.get("path")).as(probe).isEqualTo(path);
            Object port = httpGet.get("port");
            int number = port instanceof Integer n ? n : ports.getOrDefault(str(port), -1);
            assertThat(number).as("%s port", probe).isEqualTo(9000);
        });
    }

    /**
     * A pod taken out keeps serving while the endpoints drop it (preStop), then gets SIGTERM and finishes
     * its requests within quarkus.shutdown.timeout: all of it inside the grace period, or the kubelet kills
     * the requests the drain was for.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aPodTakenOutDrainsWithinItsGracePeriod(String overlay) throws IOException {
        Map<String, Object> container = appContainer(overlay);
        int pause = ((Number) map(map(map(container.get("lifecycle")).get("preStop")).get("sleep")).get("seconds")).intValue();
        assertThat(pause).as("preStop sleep of %s", overlay).isBetween(1, 15);
        java.util.Properties properties = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        int drain = (int) java.time.Duration.parse("PT" + properties.getProperty("quarkus.shutdown.timeout")).toSeconds();
        Map<String, Object> spec = podSpec(one(overlay, "Deployment", "otp-service"));
        assertThat(((Number) spec.get("terminationGracePeriodSeconds")).intValue()).as(overlay)
                .isGreaterThan(pause + drain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerHasRequestsWithinLimits(String overlay) {
        for (Map<String, Object> deployment : all(overlay, "Deployment")) {
            for (Map<String, Object> container : containers(deployment)) {
                String what = name(deployment) + "/" + container.get("name");
                Map<String, Object> resources = map(container.get("resources"));
                Map<String, Object> requests = map(resources.get("requests"));
                Map<String, Object> limits = map(resources.get("limits"));
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(requests).as("%s requests", what).containsKey(resource);
                    assertThat(limits).as("%s limits", what).containsKey(resource);
                    assertThat(quantity(requests.get(resource)))
                            .as("%s %s request within limit", what, resource)
                            .isLessThanOrEqualTo(quantity(limits.get(resource)));
                }
            }
        }
        Map<String, Object> app = map(appContainer(overlay).get("resources"));
        assertThat(map(app.get("requests"))).containsEntry("cpu", "100m").containsEntry("memory", "192Mi");
        assertThat(map(app.get("limits"))).containsEntry("cpu", "1").containsEntry("memory", "256Mi");
        assertThat(env(appContainer(overlay))).containsEntry("JAVA_OPTS", "-XX:MaxRAMPercentage=50.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyPodRunsAsNonRootOnAReadOnlyRootFilesystem(String overlay) {
        for (Map<String, Object> deployment : all(overlay, "Deployment")) {
            Map<String, Object> pod = podSpec(deployment);
            Map<String, Object> podContext = map(pod.get("securityContext"));
            for (Map<String, Object> container : containers(deployment)) {
                String what = name(deployment) + "/" + container.get("name");
                Map<String, Object> context = map(container.get("securityContext"));
                assertThat(effective("runAsNonRoot", context, podContext)).as("%s runAsNonRoot", what).isEqualTo(true);
                assertThat(context.get("readOnlyRootFilesystem")).as("%s read-only root", what).isEqualTo(true);
                assertThat(context.get("allowPrivilegeEscalation")).as("%s privilege escalation", what).isEqualTo(false);
                assertThat(list(map(context.get("capabilities")).get("drop"))).as("%s drops", what).contains("ALL");
                assertThat(list(map(context.get("capabilities")).get("add"))).as("%s adds", what).isEmpty();
                assertThat(map(effective("seccompProfile", context, podContext)).get("type"))
                        .as("%s seccomp", what).isEqualTo("RuntimeDefault");
            }
        }

        Map<String, Object> app = one(overlay, "Deployment", APP);
        Map<String, Object> context = map(appContainer(overlay).get("securityContext"));
        assertThat(effective("runAsUser", context, map(podSpec(app).get("securityContext")))).isEqualTo(1001);
        assertThat(podSpec(app).get("automountServiceAccountToken")).isEqualTo(false);
        // read-only root: /tmp is the one writable place
        assertThat(mounts(appContainer(overlay))).containsEntry("/tmp", "tmp");
        assertThat(volume(app, "tmp")).containsKey("emptyDir");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void portsAreHttpAndManagement(String overlay) {
        assertThat(containerPorts(appContainer(overlay)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("http", 8080, "management", 9000));

        Map<String, Object> service = one(overlay, "Service", APP);
        Map<String, Map<String, Object>> servicePorts = new TreeMap<>();
        for (Map<String, Object> port : maps(map(service.get("spec")).get("ports"))) {
            servicePorts.put(str(port.get("name")), port);
        }
        assertThat(servicePorts.keySet()).containsExactlyInAnyOrder("http", "management");
        assertThat(servicePorts.get("http")).containsEntry("port", 80).containsEntry("targetPort", "http");
        assertThat(servicePorts.get("management")).containsEntry("port", 9000).containsEntry("targetPort", "management");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void selectorsMatchThePodsOfTheService(String overlay) {
        Map<String, Object> deployment = one(overlay, "Deployment", APP);
        Map<String, Object> podLabels = labels(map(map(deployment.get("spec")).get("template")));
        assertThat(podLabels).containsAllEntriesOf(APP_LABEL);
        assertThat(matchLabels(map(deployment.get("spec")).get("selector"))).isEqualTo(APP_LABEL);

        Map<String, Object> serviceSelector = map(map(one(overlay, "Service", APP).get("spec")).get("selector"));
        Map<String, Object> pdbSelector = matchLabels(map(one(overlay, "PodDisruptionBudget", APP).get("spec")).get("selector"));
        Map<String, Object> policySelector = matchLabels(map(one(overlay, "NetworkPolicy", APP).get("spec")).get("podSelector"));
        for (Map<String, Object> selector : List.of(serviceSelector, pdbSelector, policySelector)) {
            assertThat(selector).isNotEmpty();
            assertThat(podLabels).containsAllEntriesOf(selector);
        }
        for (Map<String, Object> spread : maps(podSpec(deployment).get("topologySpreadConstraints"))) {
            assertThat(podLabels).containsAllEntriesOf(matchLabels(spread.get("labelSelector")));
        }
        // no other pod (the dev Redis) answers for otp-service
        for (Map<String, Object> other : all(overlay, "Deployment")) {
            if (!name(other).equals(APP)) {
                assertThat(labels(map(map(other.get("spec")).get("template"))))
                        .as("pods of %s", name(other)).doesNotContainEntry("app.kubernetes.io/name", APP);
            }
        }

        Map<String, Object> hpa = one(overlay, "HorizontalPodAutoscaler", APP);
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        Map<String, Object> hpaSpec = map(hpa.get("spec"));
        assertThat(map(hpaSpec.get("scaleTargetRef")))
                .containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment").containsEntry("name", APP);
        assertThat(maps(hpaSpec.get("metrics")))
                .anySatisfy(metric -> assertThat(map(map(metric).get("resource")).get("name")).isEqualTo("cpu"));

        if (overlay.equals("dev")) {
            // no Prometheus Operator needed in dev: the monitoring component is prod's
            assertThat(all(overlay, "ServiceMonitor")).isEmpty();
            assertThat(all(overlay, "PrometheusRule")).isEmpty();
            return;
        }
        Map<String, Object> monitorSpec = map(one(overlay, "ServiceMonitor", APP).get("spec"));
        assertThat(labels(one(overlay, "Service", APP))).containsAllEntriesOf(matchLabels(monitorSpec.get("selector")));
        assertThat(maps(monitorSpec.get("endpoints"))).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/q/metrics");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void configurationReferencesResolve(String overlay) {
        Map<String, Object> deployment = one(overlay, "Deployment", APP);
        Set<String> missing = new TreeSet<>();
        for (Map<String, Object> from : maps(appContainer(overlay).get("envFrom"))) {
            if (from.containsKey("configMapRef")) {
                String ref = str(map(from.get("configMapRef")).get("name"));
                if (find(overlay, "ConfigMap", ref).isEmpty()) missing.add("ConfigMap/" + ref);
            }
            if (from.containsKey("secretRef")) {
                String ref = str(map(from.get("secretRef")).get("name"));
                if (find(overlay, "Secret", ref).isEmpty()) missing.add("Secret/" + ref);
            }
        }
        for (Map<String, Object> volume : maps(podSpec(deployment).get("volumes"))) {
            if (volume.containsKey("configMap")) {
                String ref = str(map(volume.get("configMap")).get("name"));
                if (find(overlay, "ConfigMap", ref).isEmpty()) missing.add("ConfigMap/" + ref);
            }
        }
        assertThat(find(overlay, "ServiceAccount", str(podSpec(deployment).get("serviceAccountName")))).isPresent();

        if (overlay.equals("prod")) {
            // operators create the Secret; nothing else may be missing
            assertThat(missing).containsExactly("Secret/" + APP);
            assertThat(all(overlay, "Secret")).isEmpty();
        } else {
            assertThat(missing).isEmpty();
        }

        Map<String, Object> config = data(one(overlay, "ConfigMap", APP));
        String templatesDir = str(config.get("OTP_TEMPLATES_DIR"));
        assertThat(mounts(appContainer(overlay))).containsEntry(templatesDir, "templates");
        assertThat(map(volume(deployment, "templates").get("configMap"))).containsEntry("optional", true);
        assertThat(config).containsKeys("QUARKUS_REDIS_HOSTS", "OTP_SMS_PROVIDERS", "OTP_EMAIL_PROVIDER",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPolicyOpensOnlyWhatTheServiceUses(String overlay) {
        Map<String, Object> spec = map(one(overlay, "NetworkPolicy", APP).get("spec"));
        assertThat(list(spec.get("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");

        Set<String> egress = new TreeSet<>();
        for (Map<String, Object> rule : maps(spec.get("egress"))) {
            egress.addAll(ports(rule));
        }
        assertThat(egress).containsExactlyInAnyOrder(
                "UDP/53", "TCP/53", "TCP/6379", "TCP/587", "TCP/465", "TCP/25", "TCP/443");

        List<Map<String, Object>> ingress = maps(spec.get("ingress"));
        assertThat(ingress).hasSize(2);
        Map<String, Object> api = ingress.stream()
                .filter(r -> ports(r).equals(Set.of("TCP/8080"))).collect(singleOf("ingress rule for 8080"));
        assertThat(maps(api.get("from"))).singleElement()
                .satisfies(peer -> assertThat(peer).containsOnlyKeys("namespaceSelector")
                        .satisfies(p -> assertThat(map(p.get("namespaceSelector"))).isEmpty()));
        Map<String, Object> management = ingress.stream()
                .filter(r -> ports(r).equals(Set.of("TCP/9000"))).collect(singleOf("ingress rule for 9000"));
        assertThat(maps(management.get("from"))).singleElement()
                .satisfies(peer -> assertThat(matchLabels(peer.get("namespaceSelector")))
                        .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring")));
    }

    // --- per overlay --------------------------------------------------------------------------

    @Test
    void devRunsItsOwnRedisWithLogProvidersAndAGeneratedSecret() {
        String overlay = "dev";
        assertThat(namespaces(overlay)).containsExactly("otp-dev");
        Map<String, Object> redis = one(overlay, "Deployment", "redis");
        assertThat(map(redis.get("spec")).get("replicas")).isEqualTo(1);
        Map<String, Object> redisService = one(overlay, "Service", "redis");
        assertThat(labels(map(map(redis.get("spec")).get("template"))))
                .containsAllEntriesOf(map(map(redisService.get("spec")).get("selector")));
        assertThat(maps(map(redisService.get("spec")).get("ports"))).singleElement()
                .satisfies(port -> assertThat(port).containsEntry("port", 6379));

        Map<String, Object> config = data(one(overlay, "ConfigMap", APP));
        assertThat(config).containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis:6379")
                .containsEntry("OTP_SMS_PROVIDERS", "log")
                .containsEntry("OTP_EMAIL_PROVIDER", "log")
                .doesNotContainKey("QUARKUS_REDIS_CLIENT_TYPE");

        Map<String, Object> secret = all(overlay, "Secret").stream().collect(singleOf("dev Secret"));
        assertThat(name(secret)).matches(APP + "-[a-z0-9]{10}");
        Map<String, Object> secretData = data(secret);
        assertThat(secretData).containsKeys("OTP_HMAC_SECRETS", "OTP_API_KEYS_DEV_HASH", "OTP_API_KEYS_DEV_SCOPES");
        byte[] hmacSecret = Base64.getDecoder().decode(decodeSecretValue(secretData.get("OTP_HMAC_SECRETS")).trim());
        assertThat(hmacSecret.length).as("HMAC secret bytes").isGreaterThanOrEqualTo(32);
        assertThat(decodeSecretValue(secretData.get("OTP_API_KEYS_DEV_HASH")))
                .isEqualTo(sha256Hex("dev-api-key-not-secret"));
    }

    @Test
    void prodUsesAnExternalRedisClusterAndNoRedisOfItsOwn() {
        String overlay = "prod";
        assertThat(namespaces(overlay)).containsExactly("otp");
        assertThat(find(overlay, "Deployment", "redis")).isEmpty();
        assertThat(find(overlay, "Service", "redis")).isEmpty();
        assertThat(all(overlay, "Deployment")).extracting(Kustomize::name).containsExactly(APP);

        Map<String, Object> config = data(one(overlay, "ConfigMap", APP));
        assertThat(config).containsEntry("QUARKUS_REDIS_CLIENT_TYPE", "cluster")
                .containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                .containsEntry("OTP_EMAIL_PROVIDER", "smtp")
                .containsEntry("QUARKUS_MAILER_START_TLS", "REQUIRED");
        String hosts = str(config.get("QUARKUS_REDIS_HOSTS"));
        assertThat(hosts.split(",")).hasSizeGreaterThan(1).allSatisfy(host -> assertThat(host).matches("rediss?://.+:\\d+"));
        assertThat(hosts).doesNotContain("redis://redis:");
        assertThat(config.get("OTP_SMS_PROVIDERS")).asString().doesNotContain("log");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev=otp-service:dev", "prod=registry.example.com/otp/otp-service:0.1.0"})
    void imageIsPinnedPerOverlay(String expectation) {
        String[] parts = expectation.split("=", 2);
        Map<String, Object> container = appContainer(parts[0]);
        assertThat(container.get("image")).isEqualTo(parts[1]);
        assertThat(str(container.get("image"))).doesNotEndWith(":latest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev=1", "prod=3"})
    void replicasAndAutoscalingPerOverlay(String expectation) {
        String[] parts = expectation.split("=", 2);
        String overlay = parts[0];
        int replicas = Integer.parseInt(parts[1]);
        assertThat(map(one(overlay, "Deployment", APP).get("spec")).get("replicas")).isEqualTo(replicas);
        Map<String, Object> hpa = map(one(overlay, "HorizontalPodAutoscaler", APP).get("spec"));
        assertThat(hpa.get("minReplicas")).as("HPA min equals the Deployment's replicas").isEqualTo(replicas);
        assertThat((Integer) hpa.get("maxReplicas")).isGreaterThan(replicas);
        Map<String, Object> pdb = map(one(overlay, "PodDisruptionBudget", APP).get("spec"));
        assertThat(pdb.containsKey("minAvailable") ^ pdb.containsKey("maxUnavailable")).isTrue();
        if (pdb.get("minAvailable") instanceof Integer min) {
            assertThat(min).as("a PDB must still let one pod go").isLessThan(replicas);
        }
    }

    // --- base ---------------------------------------------------------------------------------

    @Test
    void secretExampleHasOnlyPlaceholdersAndIsNotPartOfTheBase() throws IOException {
        Map<String, Object> kustomization = map(loadYaml(K8S.resolve("base/kustomization.yaml")).getFirst());
        assertThat(list(kustomization.get("resources"))).doesNotContain("secret.example.yaml");

        Map<String, Object> example = loadYaml(K8S.resolve("base/secret.example.yaml")).stream()
                .map(Kustomize::map).collect(singleOf("secret.example.yaml"));
        assertThat(example).containsEntry("kind", "Secret");
        assertThat(name(example)).isEqualTo(APP);
        Map<String, Object> values = map(example.get("stringData"));
        assertThat(values).containsKeys("OTP_HMAC_SECRETS", "OTP_TOKEN_SIGNING_KEY",
                "OTP_SMS_TWILIO_AUTH_TOKEN", "OTP_SMS_VONAGE_API_SECRET", "QUARKUS_MAILER_PASSWORD");
        // the rotation docs say to leave the key id unset (the thumbprint)
        assertThat(values).doesNotContainKey("OTP_TOKEN_KEY_ID");
        assertThat(values.keySet()).anyMatch(key -> key.matches("OTP_API_KEYS_[A-Z0-9_]+_HASH"));
        values.forEach((key, value) -> {
            if (!key.endsWith("_SCOPES")) {
                assertThat(str(value)).as(key).startsWith("REPLACE_WITH_");
            }
        });
    }

    // --- monitoring ---------------------------------------------------------------------------

    @Test
    void alertsQueryOnlyExportedMetrics() {
        Map<String, Object> rule = one("prod", "PrometheusRule", APP);
        Map<String, Map<String, Object>> alerts = new TreeMap<>();
        for (Map<String, Object> group : maps(map(rule.get("spec")).get("groups"))) {
            for (Map<String, Object> r : maps(group.get("rules"))) {
                alerts.put(str(r.get("alert")), r);
            }
        }
        assertThat(alerts).containsKeys("OtpDeliveryFailureRateHigh", "OtpCircuitBreakerOpen", "OtpConversionDrop",
                "OtpRedisErrors", "OtpLatencyHigh", "OtpFraudPrefixBlocked");
        alerts.forEach((name, alert) -> {
            String expr = str(alert.get("expr"));
            assertThat(metricNames(expr)).as("metrics of %s", name).isNotEmpty().isSubsetOf(EXPORTED_METRICS);
            assertThat(str(alert.get("for"))).as("for of %s", name).matches("\\d+[smh]");
            assertThat(map(alert.get("labels")).get("severity")).as(name).isIn("critical", "warning", "info");
            assertThat(map(alert.get("annotations"))).as(name).containsKeys("summary", "description");
        });
        assertThat(str(alerts.get("OtpLatencyHigh").get("expr"))).contains("histogram_quantile(0.99").contains("0.25");
        assertThat(str(alerts.get("OtpConversionDrop").get("expr")))
                .contains("otp_verifications_approved_total", "otp_verifications_created_total", "channel", "country");
        assertThat(str(alerts.get("OtpCircuitBreakerOpen").get("expr"))).contains("ft_circuitbreaker_state_current");
        assertThat(str(alerts.get("OtpFraudPrefixBlocked").get("expr"))).contains("otp_fraud_blocks_total", "country");
    }

    @Test
    void dashboardParsesAndQueriesOnlyExportedMetrics() throws IOException {
        Map<String, Object> dashboard = map(loadYaml(ROOT.resolve("deploy/grafana/otp-service-dashboard.json")).getFirst());
        assertThat(dashboard).containsEntry("uid", APP).containsKey("title");
        Set<String> queried = new TreeSet<>();
        List<Map<String, Object>> panels = maps(dashboard.get("panels"));
        assertThat(panels).isNotEmpty();
        for (Map<String, Object> panel : panels) {
            if ("row".equals(panel.get("type"))) continue;
            assertThat(map(panel.get("gridPos"))).as("%s gridPos", panel.get("title")).containsKeys("x", "y", "w", "h");
            List<Map<String, Object>> targets = maps(panel.get("targets"));
            assertThat(targets).as("targets of %s", panel.get("title")).isNotEmpty();
            for (Map<String, Object> target : targets) {
                Set<String> names = metricNames(str(target.get("expr")));
                assertThat(names).as("metrics of %s", panel.get("title")).isNotEmpty()
                        .allMatch(n -> EXPORTED_METRICS.contains(n) || n.startsWith("jvm_") || n.startsWith("process_"));
                queried.addAll(names);
            }
        }
        assertThat(queried).contains("http_server_requests_seconds_bucket", "otp_verifications_created_total",
                "otp_verifications_approved_total", "otp_sends_total", "otp_delivery_seconds_bucket",
                "otp_rate_limit_rejections_total", "ft_circuitbreaker_state_current",
                "otp_redis_script_seconds_bucket", "jvm_memory_used_bytes", "otp_fraud_blocks_total",
                "otp_fraud_blocked_sends_total");
    }

    // --- images -------------------------------------------------------------------------------

    @Test
    void dockerfilesSayHowToBuildAndRunAndDropRoot() throws IOException {
        Map<String, String> bases = Map.of(
                "Dockerfile.jvm", "eclipse-temurin:25-jre",
                "Dockerfile.native", "registry.access.redhat.com/ubi9/ubi-minimal",
                "Dockerfile.native-micro", "quay.io/quarkus/quarkus-micro-image:2.0");
        for (var entry : bases.entrySet()) {
            String text = Files.readString(ROOT.resolve("src/main/docker").resolve(entry.getKey()));
            List<String> lines = text.lines().toList();
            String header = String.join("\n", lines.subList(0, 12));
            assertThat(lines.getFirst()).as("%s opens with a comment", entry.getKey()).startsWith("#");
            assertThat(header).as(entry.getKey()).contains("docker build -f src/main/docker/" + entry.getKey());
            assertThat(text).as(entry.getKey()).contains("docker run", entry.getValue(), "USER 1001", "EXPOSE 8080 9000");
        }
        String jvm = Files.readString(ROOT.resolve("src/main/docker/Dockerfile.jvm"));
        String train = Files.readString(ROOT.resolve("src/main/docker/aot-train.sh"));
        String run = Files.readString(ROOT.resolve("src/main/docker/run-java.sh"));
        assertThat(jvm).contains("aot-train.sh", "run-java.sh", "COPY --from=training /deployments/");
        assertThat(train).contains("-XX:AOTCacheOutput=app.aot", "quarkus-run.jar");
        assertThat(run).contains("-XX:AOTCache=app.aot", "quarkus-run.jar");
    }

    // --- helpers ------------------------------------------------------------------------------

    private static Path projectRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/k8s"))) return dir;
        }
        throw new IllegalStateException("no deploy/k8s in " + start + " or above");
    }

    private static Set<String> exportedMetrics() {
        Set<String> names = new TreeSet<>(List.of(
                "otp_verifications_created_total", "otp_verifications_checked_total",
                "otp_verifications_approved_total", "otp_sends_total", "otp_rate_limit_rejections_total",
                "otp_redis_errors_total", "otp_fraud_blocks_total", "otp_fraud_unblocks_total",
                "otp_fraud_blocked_sends_total",
                // SmallRye Fault Tolerance through Micrometer
                "ft_circuitbreaker_state_current", "ft_circuitbreaker_opened_total",
                "ft_circuitbreaker_calls_total", "ft_invocations_total"));
        for (String timer : List.of("otp_delivery_seconds", "otp_redis_script_seconds", "http_server_requests_seconds")) {
            for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
                names.add(timer + suffix);
            }
        }
        return Set.copyOf(names);
    }

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "atan2", "sum", "min", "max", "avg", "group",
            "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
            "inf", "nan");
    private static final Pattern PROMQL_TOKEN = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*|\\d[\\w.]*");

    /** The metric names an expression selects: what is left after strings, matchers, ranges, grouping and functions. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 ");
        Set<String> names = new TreeSet<>();
        Matcher token = PROMQL_TOKEN.matcher(bare);
        while (token.find()) {
            String word = token.group();
            boolean function = bare.substring(token.end()).stripLeading().startsWith("(");
            if (Character.isDigit(word.charAt(0)) || function || PROMQL_WORDS.contains(word.toLowerCase())) continue;
            names.add(word);
        }
        return names;
    }




    private static List<Map<String, Object>> all(String overlay, String kind) {
        return RENDERED.get(overlay).stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static Optional<Map<String, Object>> find(String overlay, String kind, String name) {
        return all(overlay, kind).stream().filter(r -> name.equals(name(r))).findFirst();
    }

    private static Map<String, Object> one(String overlay, String kind, String name) {
        return find(overlay, kind, name).orElseThrow(() -> new AssertionError(overlay + " has no " + kind + "/" + name));
    }

    private static Set<String> namespaces(String overlay) {
        Set<String> namespaces = new LinkedHashSet<>();
        RENDERED.get(overlay).forEach(r -> namespaces.add(str(map(r.get("metadata")).get("namespace"))));
        return namespaces;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload.get("spec")).get("template")).get("spec"));
    }

    private static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return maps(podSpec(workload).get("containers"));
    }

    private static Map<String, Object> appContainer(String overlay) {
        return containers(one(overlay, "Deployment", APP)).stream()
                .filter(c -> APP.equals(c.get("name"))).collect(singleOf("container " + APP));
    }

    private static Map<String, Integer> containerPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new TreeMap<>();
        for (Map<String, Object> port : maps(container.get("ports"))) {
            ports.put(str(port.get("name")), (Integer) port.get("containerPort"));
        }
        return ports;
    }

    private static Map<String, String> mounts(Map<String, Object> container) {
        Map<String, String> mounts = new TreeMap<>();
        for (Map<String, Object> mount : maps(container.get("volumeMounts"))) {
            mounts.put(str(mount.get("mountPath")), str(mount.get("name")));
        }
        return mounts;
    }

    private static Map<String, Object> volume(Map<String, Object> workload, String name) {
        return maps(podSpec(workload).get("volumes")).stream().filter(v -> name.equals(v.get("name")))
                .collect(singleOf("volume " + name));
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new TreeMap<>();
        for (Map<String, Object> variable : maps(container.get("env"))) {
            env.put(str(variable.get("name")), str(variable.get("value")));
        }
        return env;
    }

    private static Set<String> ports(Map<String, Object> rule) {
        Set<String> ports = new TreeSet<>();
        for (Map<String, Object> port : maps(rule.get("ports"))) {
            ports.add(port.getOrDefault("protocol", "TCP") + "/" + port.get("port"));
        }
        return ports;
    }

    private static Object effective(String field, Map<String, Object> container, Map<String, Object> pod) {
        return container.containsKey(field) ? container.get(field) : pod.get(field);
    }

    private static Map<String, Object> matchLabels(Object selector) {
        return map(map(selector).get("matchLabels"));
    }

    private static Map<String, Object> labels(Map<String, Object> resource) {
        return map(map(resource.get("metadata")).get("labels"));
    }

    private static Map<String, Object> data(Map<String, Object> resource) {
        return map(resource.get("data"));
    }

    private static String decodeSecretValue(Object base64) {
        return new String(Base64.getMimeDecoder().decode(str(base64)), StandardCharsets.UTF_8);
    }

    /** Kubernetes quantities (100m, 1, 192Mi, 1Gi) as numbers, to compare requests with limits. */
    private static BigDecimal quantity(Object value) {
        String text = String.valueOf(value);
        Matcher m = Pattern.compile("([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?").matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("quantity " + text);
        BigDecimal number = new BigDecimal(m.group(1));
        long factor = switch (m.group(2) == null ? "" : m.group(2)) {
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            default -> 1L;
        };
        BigDecimal scaled = number.multiply(BigDecimal.valueOf(factor));
        return "m".equals(m.group(2)) ? scaled.movePointLeft(3) : scaled;
    }


    private static <T> java.util.stream.Collector<T, ?, T> singleOf(String what) {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), items -> {
            if (items.size() != 1) throw new AssertionError("expected one " + what + ", found " + items.size());
            return items.getFirst();
        });
    }









}
