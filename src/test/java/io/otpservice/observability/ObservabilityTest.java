package io.otpservice.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.support.ApiTest;
import io.otpservice.support.RedisServerResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Metrics, health, OpenAPI and the request log, on the management interface. */
@QuarkusTest
class ObservabilityTest extends ApiTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/group/delivery", management = true)
    URL delivery;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    @Test
    void countersMoveAfterACreateAndACheckWithNoSecretInAnyLine() {
        double createdBefore = value(scrape(), "otp_verifications_created_total", "channel=\"email\"", "purpose=\"default\"");
        double approvedBefore = value(scrape(), "otp_verifications_checked_total", "outcome=\"approved\"", "channel=\"email\"");
        double incorrectBefore = value(scrape(), "otp_verifications_checked_total", "outcome=\"incorrect\"", "channel=\"email\"");
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        check(id, "000000".equals(code) ? "000001" : "000000").then().statusCode(422);
        check(id, code).then().statusCode(200);

        String text = scrape();
        assertThat(value(text, "otp_verifications_created_total", "channel=\"email\"", "purpose=\"default\"", "country=\"none\""))
                .isEqualTo(createdBefore + 1);
        assertThat(value(text, "otp_verifications_checked_total", "outcome=\"approved\"", "channel=\"email\""))
                .isEqualTo(approvedBefore + 1);
        assertThat(value(text, "otp_verifications_checked_total", "outcome=\"incorrect\"", "channel=\"email\""))
                .isEqualTo(incorrectBefore + 1);
        assertThat(value(text, "otp_verifications_approved_total", "channel=\"email\"")).isPositive();
        assertThat(value(text, "otp_sends_total", "provider=\"smtp\"", "outcome=\"sent\"")).isPositive();
        assertThat(text).contains("otp_delivery_seconds_bucket", "otp_redis_script_seconds_bucket",
                "http_server_requests_seconds_bucket");
        assertThat(text).doesNotContain(to).doesNotContain(id);
        assertThat(Pattern.compile("[{,][a-z_]+=\"" + code + "\"").matcher(text).find()).isFalse();
    }

    @Test
    void rateLimitRejectionsAreCountedByLimit() {
        String ip = newClientIp();
        for (int i = 0; i < 30; i++) {
            create(Map.of("to", newEmail(), "clientIp", ip)).then().statusCode(201);
        }
        double before = value(scrape(), "otp_rate_limit_rejections_total", "limit=\"client-creates\"");
        create(Map.of("to", newEmail(), "clientIp", ip)).then().statusCode(429);
        assertThat(value(scrape(), "otp_rate_limit_rejections_total", "limit=\"client-creates\"")).isEqualTo(before + 1);
    }

    @Test
    void readinessFollowsRedis() {
        given().get(live).then().statusCode(200);
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        var redis = RedisServerResource.redis();
        redis.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> given().get(ready).statusCode() == 503);
            given().get(ready).then().body("status", equalTo("DOWN"));
            given().get(live).then().statusCode(200);
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> given().get(ready).statusCode() == 200);
    }

    /**
     * The SMTP server is reported in the health group "delivery", not in readiness: with the relay down the
     * pods stay in the Service, since SMS and checks still work.
     */
    @Test
    void theSmtpServerIsReportedApartFromReadiness() {
        given().get(delivery).then().statusCode(200).body("checks.find { it.name == 'smtp' }.status", equalTo("UP"));
        given().get(ready).then().statusCode(200).body("checks.find { it.name == 'smtp' }", org.hamcrest.Matchers.nullValue());
        var smtp = io.otpservice.support.SmtpServerResource.greenMail();
        smtp.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> given().get(delivery).statusCode() == 503);
            given().get(delivery).then().body("checks.find { it.name == 'smtp' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'smtp' }.data.error", org.hamcrest.Matchers.startsWith("no connection to "));
            given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            smtp.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get(delivery).statusCode() == 200);
        String to = newEmail();
        create(to).then().statusCode(201);
        assertThat(codesSentTo(to, 1)).hasSize(1);
    }

    @Test
    void theOpenApiDocumentListsEveryEndpointAndProblem() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().queryParam("format", "json").get(openapi)
                .then().statusCode(200).extract().asString());
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/v1/verifications")).isTrue();
        assertThat(paths.get("/v1/verifications").has("post")).isTrue();
        assertThat(paths.get("/v1/verifications/{id}").has("get")).isTrue();
        assertThat(paths.get("/v1/verifications/{id}").has("delete")).isTrue();
        assertThat(paths.get("/v1/verifications/{id}/resend").has("post")).isTrue();
        assertThat(paths.get("/v1/verifications/{id}/check").has("post")).isTrue();
        assertThat(paths.get("/v1/verification-checks").has("post")).isTrue();
        assertThat(paths.has("/.well-known/jwks.json")).isTrue();
        assertThat(paths.get("/v1/delivery-callbacks/{provider}").has("post")).isTrue();
        String text = doc.toString();
        for (String problem : List.of("invalid-request", "unauthorized", "forbidden", "not-found", "incorrect-code",
                "too-many-attempts", "resend-too-soon", "rate-limited", "channel-not-allowed", "payload-too-large",
                "delivery-failed", "unavailable", "idempotency-conflict")) {
            assertThat(text).as(problem).contains(problem);
        }
        assertThat(doc.at("/components/schemas/Problem/properties").has("code")).isTrue();
    }

    @Test
    void aJsonLogLineHoldsTheRequestOutcomeAndNoSecret() throws Exception {
        String to = newEmail();
        String id = create(to).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(Path.of("target/otp-test.log")).contains(id));
        JsonNode line = null;
        for (String raw : Files.readAllLines(Path.of("target/otp-test.log"))) {
            if (!raw.startsWith("{")) {
                continue; // a line of an earlier run with plain logs
            }
            JsonNode node = json.readTree(raw);
            if (id.equals(node.at("/mdc/id").asText(null)) && "create".equals(node.at("/mdc/op").asText(null))) {
                line = node;
                assertThat(raw).doesNotContain(to);
                assertThat(Pattern.compile("(?<![0-9A-Za-z])" + code + "(?![0-9A-Za-z])").matcher(raw).find()).isFalse();
            }
        }
        assertThat(line).as("a create line for " + id).isNotNull();
        assertThat(line.at("/mdc/to").asText()).contains("•••").endsWith("@example.com");
        assertThat(line.at("/mdc/outcome").asText()).isEqualTo("created");
        assertThat(line.at("/mdc/status").asText()).isEqualTo("201");
        assertThat(Double.parseDouble(line.at("/mdc/durationMs").asText())).isPositive();
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("message").asText()).contains(id);
    }

    /**
     * A request answered before Quarkus REST matched it to a method (an OPTIONS, a 405, a refusal of the
     * body limit, a 406 or 415 of its own) is counted under its path template, REFUSED or UNKNOWN, never
     * under the path it sent:
     * anyone could otherwise add one series per path to the metrics (and past Micrometer's 100 uri
     * values, real routes would no longer be counted).
     */
    @Test
    void requestsAnsweredEarlyAreCountedUnderATemplateNotUnderTheirPath() {
        String id = "VE" + java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
        given().options("/v1/verifications/" + id).then().statusCode(204);
        api().put("/v1/verifications/" + id).then().statusCode(405);
        api().contentType("a/b/c").body("x".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).post("/nowhere/" + id).then().statusCode(400);
        api().contentType("application/json").body("{\"code\":\"" + "1".repeat(9000) + "\"}")
                .post("/v1/verifications/" + id + "/check").then().statusCode(413);
        // refused by Quarkus REST before it matched a method: a body that is not UTF-8, a 406, a 415
        String address = "metrics." + id.substring(2, 10) + "@example.com";
        api().contentType("application/json").body(new byte[] {'{', '"', 'c', '"', ':', '"', (byte) 0xff, '"', '}'})
                .post("/v1/verifications/" + address + "/check").then().statusCode(400);
        api().accept("text/html").get("/v1/verifications/" + id + "x").then().statusCode(406);
        api().contentType("text/plain").body("x").post("/v1/verifications/" + id + "y/check").then().statusCode(415);
        // a client that breaks off in the middle of its body
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.getOutputStream().write(("POST /v1/verifications/" + address + "/resend HTTP/1.1\r\nHost: localhost"
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"co")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(200);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String text = scrape();
            assertThat(text).doesNotContain(id).doesNotContain(address);
            // (the template's braces keep value() from reading these lines)
            assertThat(text.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{")))
                    .anyMatch(l -> l.contains("method=\"OPTIONS\"") && l.contains("status=\"204\"")
                            && l.contains("uri=\"/v1/verifications/{id}\""))
                    .anyMatch(l -> l.contains("method=\"PUT\"") && l.contains("status=\"405\"")
                            && l.contains("uri=\"/v1/verifications/{id}\""))
                    .anyMatch(l -> l.contains("status=\"400\"") && l.contains("uri=\"/REFUSED\""))
                    .anyMatch(l -> l.contains("status=\"413\"") && l.contains("uri=\"/REFUSED\""))
                    .anyMatch(l -> l.contains("status=\"406\"") && l.contains("uri=\"UNKNOWN\""))
                    .anyMatch(l -> l.contains("status=\"415\"") && l.contains("uri=\"UNKNOWN\""));
        });
    }

    /**
     * A failed create or check by recipient counts under its route, as its successes do (Micrometer's binder
     * tags a failure with its route only when the route has parameters); a path that is no route, never.
     */
    @Test
    void failuresOfRoutesWithoutParametersCountUnderTheirRoute() {
        api().contentType("application/json").body("{\"to\":\"not a recipient\"}").post("/v1/verifications")
                .then().statusCode(400);
        api().contentType("application/json").body("{\"to\":1}").post("/v1/verification-checks").then().statusCode(400);
        given().header("Authorization", "Bearer read-only-key").contentType("application/json").body("{\"to\":\"a@example.com\"}")
                .post("/v1/verifications").then().statusCode(403);
        // no route: a 401 (no key) and a 404 are not counted under the path sent
        String nowhere = "/v1/nowhere-" + Long.toString(System.nanoTime(), 36);
        given().post(nowhere).then().statusCode(401);
        api().get(nowhere).then().statusCode(404);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape()).doesNotContain(nowhere)
                .satisfies(text -> assertThat(text.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{")))
                        .anyMatch(l -> l.contains("status=\"401\"") && l.contains("uri=\"UNKNOWN\""))));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{")))
                .anyMatch(l -> l.contains("status=\"400\"") && l.contains("uri=\"/v1/verifications\""))
                .anyMatch(l -> l.contains("status=\"400\"") && l.contains("uri=\"/v1/verification-checks\""))
                .anyMatch(l -> l.contains("status=\"403\"") && l.contains("uri=\"/v1/verifications\"")));
    }

    /** A made-up method is counted as OTHER: each new one would otherwise add a series to every HTTP histogram. */
    @Test
    void madeUpMethodsAreCountedAsOtherNotUnderTheirName() {
        String method = "X" + Long.toString(System.nanoTime(), 36).toUpperCase(java.util.Locale.ROOT);
        given().request(method, "/v1/verifications").then().statusCode(401);
        api().request(method + "Y", "/v1/verifications").then().statusCode(405);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String text = scrape();
            assertThat(text).doesNotContain(method);
            assertThat(text.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{")))
                    .anyMatch(l -> l.contains("method=\"OTHER\"") && l.contains("status=\"401\""))
                    .anyMatch(l -> l.contains("method=\"OTHER\"") && l.contains("status=\"405\""));
        });
    }

    private String scrape() {
        return given().get(metrics).then().statusCode(200).extract().asString();
    }

    /** The sum of a metric's samples whose labels contain every one of {@code labels}. */
    private static double value(String text, String name, String... labels) {
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.Ee+-]+)$").matcher(text);
        while (m.find()) {
            String found = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
