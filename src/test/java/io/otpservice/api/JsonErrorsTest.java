package io.otpservice.api;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A JSON error names what is wrong: a body cut off or malformed is "malformed JSON", never a field's type. */
@QuarkusTest
class JsonErrorsTest extends ApiTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"to\":\"+1415                | body | malformed JSON",
            "{\"to\":\"a@example.com\",\"se  | body | malformed JSON",
            "{\"to\":tru                     | body | malformed JSON",
            "{\"to\":\"a@example.com\"}}     | body | malformed JSON",
            "{\"to\":5}                      | to   | wrong type: expected a string",
            "{\"to\":[\"a@example.com\"]}    | to   | wrong type: expected a string",
    })
    void aJsonErrorNamesWhatIsWrong(String body, String field, String message) {
        Map<String, String> before = snapshot();
        api().body(body.strip()).post("/v1/verifications").then().statusCode(400)
                .body("code", equalTo("invalid-request"))
                .body("errors[0].field", equalTo(field)).body("errors[0].message", equalTo(message));
        assertUnchanged(before);
    }

    /** JSON is UTF-8 (RFC 8259 §8.1): a body declared in another encoding would be read as something else. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"application/json; charset=utf-16", "application/json;charset=ISO-8859-1",
            "application/json; charset=\"latin1\""})
    void aBodyDeclaredInAnotherEncodingIsRefused(String contentType) {
        Map<String, String> before = snapshot();
        given().header("Authorization", "Bearer " + KEY).header("Content-Type", contentType)
                .body("{\"to\":\"" + newEmail() + "\"}").post("/v1/verifications").then().statusCode(415)
                .body("code", equalTo("unsupported-media-type"));
        assertUnchanged(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"application/json; charset=utf-8", "application/json; charset=\"UTF-8\"",
            "application/json; charset=utf8", "application/json; charset=US-ASCII", "application/json"})
    void aBodyInUtf8IsTakenWithOrWithoutItsCharset(String contentType) {
        given().header("Authorization", "Bearer " + KEY).header("Content-Type", contentType)
                .body("{\"to\":\"" + newEmail() + "\",\"clientIp\":\"" + newClientIp() + "\"}")
                .post("/v1/verifications").then().statusCode(201);
    }
}
