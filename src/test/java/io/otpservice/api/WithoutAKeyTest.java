package io.otpservice.api;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A caller without an API key learns nothing from a {@code /v1} path but its 401: not whether its body
 * was UTF-8, not which media types the path takes, not whether the path exists. The receipts, the key
 * set and OPTIONS stay open, and a caller with a key still gets the precise answer.
 */
@QuarkusTest
class WithoutAKeyTest extends ApiTest {

    private static final String ID = "VE00000000000000000000000000000000";
    private static final Path LOG = Path.of("target/otp-test.log");
    /** A JSON body that is not UTF-8 (0xFF is no UTF-8 byte). */
    private static final byte[] NOT_UTF8 = {'{', '"', 'c', 'o', 'd', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};

    @Test
    void everyV1RefusalBeforeTheMatchIsThe401() throws IOException {
        long logFrom = Files.size(LOG);
        Map<String, String> before = snapshot();
        unauthorized(given().contentType("application/json").body(NOT_UTF8).post("/v1/verifications/" + ID + "/check"));
        unauthorized(given().accept("text/html").get("/v1/verifications/" + ID));
        unauthorized(given().contentType("text/plain").body("x").post("/v1/verifications/" + ID + "/check"));
        unauthorized(given().contentType("application/json").body("{}").post("/v1/no-such-path"));
        unauthorized(given().header("Authorization", "Bearer not-a-key").accept("text/html").get("/v1/verifications/" + ID));
        assertUnchanged(before);
        // each refusal is a request line with its duration (the line's clock starts before the key is looked at)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            byte[] all = Files.readAllBytes(LOG);
            String lines = new String(all, (int) logFrom, all.length - (int) logFrom, StandardCharsets.UTF_8);
            assertThat(lines).contains("unauthorized 401 in ").doesNotContain("401 in -").doesNotContain("\"durationMs\":\"-");
        });
    }

    @Test
    void withAKeyTheSameRequestsGetTheirOwnAnswers() {
        api().body(NOT_UTF8).post("/v1/verifications/" + ID + "/check").then().statusCode(400)
                .body("code", equalTo("invalid-request"));
        api().accept("text/html").get("/v1/verifications/" + ID).then().statusCode(406);
        api().contentType("text/plain").body("x").post("/v1/verifications/" + ID + "/check").then().statusCode(415);
        api().body("{}").post("/v1/no-such-path").then().statusCode(404);
    }

    @Test
    void receiptsTheKeySetAndOptionsNeedNoKey() {
        // a receipt is read (and refused for its escape) without a key: its provider's signature stands in for one
        given().contentType("application/x-www-form-urlencoded").body("x=%zz").post("/v1/delivery-callbacks/twilio")
                .then().statusCode(400).body("code", equalTo("invalid-request"));
        given().get("/.well-known/jwks.json").then().statusCode(200);
        given().options("/v1/verifications/" + ID).then().statusCode(204);
        // a path that is none of ours is a 404 for OPTIONS too, not the methods of a class it shares a prefix with
        for (String path : new String[]{"/v1/someone@example.com", "/v1", "/v1/verifications/" + ID + "/x", "/v2/Services/VA1/Foo"}) {
            Response response = given().options(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.header("Allow")).as(path).isNull();
        }
    }

    private static void unauthorized(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(401);
        assertThat(response.contentType()).startsWith(Problem.MEDIA_TYPE);
        assertThat(response.jsonPath().getString("code")).isEqualTo("unauthorized");
        assertThat(response.header("WWW-Authenticate")).as("the scheme asked for").isEqualTo("Bearer realm=\"otp-service\"");
    }
}
