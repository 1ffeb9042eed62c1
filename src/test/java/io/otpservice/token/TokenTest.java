package io.otpservice.token;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/** An approved check returns a JWT that a backend verifies offline against the served JWKS. */
@QuarkusTest
class TokenTest extends ApiTest {

    private static final String ISSUER = "https://otp.test.example";
    private static final String AUDIENCE = "test-backend";

    @Test
    void anApprovedCheckReturnsATokenThatVerifiesAgainstTheJwks() throws Exception {
        String to = newEmail();
        String id = create(Map.of("to", to, "purpose", "short", "session", "browser-1")).then().statusCode(201)
                .extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        Response approved = api().body(Map.of("code", code, "session", "browser-1"))
                .post("/v1/verifications/" + id + "/check");
        approved.then().statusCode(200).body("status", equalTo("approved"));
        String jwt = approved.path("token");
        Instant tokenExpiresAt = Instant.parse(approved.path("tokenExpiresAt"));

        JwtClaims claims = consumer(served()).processToClaims(jwt);

        assertThat(claims.getClaimNames()).isEqualTo(Set.of("iss", "sub", "aud", "jti", "iat", "exp", "amr", "purpose", "sid"));
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getSubject()).isEqualTo(to);
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
        assertThat(claims.getJwtId()).isEqualTo(id);
        assertThat(claims.getStringListClaimValue("amr")).containsExactly("otp", "email");
        assertThat(claims.getStringClaimValue("purpose")).isEqualTo("short");
        assertThat(claims.getStringClaimValue("sid")).matches("[0-9a-f]{64}").doesNotContain("browser-1");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(15 * 60);
        assertThat(tokenExpiresAt.getEpochSecond()).isEqualTo(claims.getExpirationTime().getValue());
    }

    @Test
    void aTokenWithoutSessionHasNoSidAndSmsSaysSo() throws Exception {
        String id = create("+15005550007").then().statusCode(201).extract().path("id");
        String jwt = check(id, "482913").then().statusCode(200).extract().path("token");
        JwtClaims claims = consumer(served()).processToClaims(jwt);
        assertThat(claims.hasClaim("sid")).isFalse();
        assertThat(claims.getSubject()).isEqualTo("+15005550007");
        assertThat(claims.getStringListClaimValue("amr")).containsExactly("otp", "sms");
    }

    @Test
    void aWrongOrMissingSessionIsAnIncorrectCodeAndCounts() {
        String to = newEmail();
        String id = create(Map.of("to", to, "session", "tab-A")).then().statusCode(201).extract().path("id");
        String code = codesSentTo(to, 1).getFirst();
        api().body(Map.of("code", code, "session", "tab-B")).post("/v1/verifications/" + id + "/check")
                .then().statusCode(422).body("code", equalTo("incorrect-code")).body("attemptsRemaining", equalTo(4));
        check(id, code).then().statusCode(422).body("attemptsRemaining", equalTo(3));
        api().body(Map.of("code", code, "session", "tab-A")).post("/v1/verifications/" + id + "/check")
                .then().statusCode(200).body("status", equalTo("approved"));
    }

    @Test
    void aTokenOfARotatedOutKeyVerifiesWhileItsKeyIsListed() throws Exception {
        KeyPair old = SigningKeys.fromPrivatePem(Files.readString(Path.of("src/test/resources/keys/rotated-out-private.pem")));
        String oldKid = SigningKeys.thumbprint((java.security.interfaces.ECPublicKey) old.getPublic());
        JsonWebKeySet served = served();
        assertThat(served.getJsonWebKeys()).extracting(JsonWebKey::getKeyId).contains(oldKid);

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject("+14155550100");
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setIssuedAtToNow();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(old.getPrivate());
        jws.setKeyIdHeaderValue(oldKid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        String jwt = jws.getCompactSerialization();

        assertThat(consumer(served).processToClaims(jwt).getSubject()).isEqualTo("+14155550100");

        JsonWebKeySet withoutOld = new JsonWebKeySet(served.getJsonWebKeys().stream()
                .filter(k -> !k.getKeyId().equals(oldKid)).toList());
        assertThatThrownBy(() -> consumer(withoutOld).processToClaims(jwt)).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void aTamperedTokenFails() throws Exception {
        String id = create("+15005550007").then().statusCode(201).extract().path("id");
        String jwt = check(id, "482913").then().statusCode(200).extract().path("token");
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("+15005550007", "+15005550009");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThatThrownBy(() -> consumer(served()).processToClaims(tampered)).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void theJwksHasNoPrivatePartAndTheKeyNeverReachesTheLog() throws Exception {
        Response response = given().get("/.well-known/jwks.json");
        response.then().statusCode(200).header("Cache-Control", "public, max-age=300");
        List<Map<String, String>> keys = response.path("keys");
        assertThat(keys).hasSize(2).allSatisfy(k -> {
            assertThat(k).doesNotContainKey("d").containsEntry("kty", "EC").containsEntry("crv", "P-256")
                    .containsEntry("alg", "ES256").containsKeys("x", "y", "kid");
        });
        String configured = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("otp.token.signing-key", String.class);
        String log = Files.readString(Path.of("target/otp-test.log"));
        assertThat(log).doesNotContain(configured.substring(40, 80));
    }

    private static JsonWebKeySet served() throws Exception {
        return new JsonWebKeySet(given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString());
    }

    private static JwtConsumer consumer(JsonWebKeySet jwks) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience(AUDIENCE)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .build();
    }
}
