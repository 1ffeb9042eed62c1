package io.otpservice.api;

import io.otpservice.support.ApiTest;
import io.otpservice.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the HTTP layer refuses: our own limits answer problems; the cases that Netty or Quarkus refuse
 * before any route stay bare, exactly as the README's Security section lists them.
 */
@QuarkusTest
class HttpLayerTest extends ApiTest {

    private static final byte[] NO_BODY = new byte[0];
    private static final String KEYED = "\r\nAuthorization: Bearer " + KEY;

    @Test
    void ourLimitsOnTheRequestLineAndHeadersAnswerProblems() throws IOException {
        Map<String, String> before = snapshot();
        RawHttp.Answer longUri = RawHttp.exchange("GET /v1/verifications/VE" + "0".repeat(32) + "?pad="
                + "a".repeat(BodyLimit.MAX_URI) + " HTTP/1.1" + KEYED, NO_BODY);
        assertThat(longUri.isProblem(414, "uri-too-long")).as(longUri.toString()).isTrue();
        RawHttp.Answer bigHeaders = RawHttp.exchange("GET /.well-known/jwks.json HTTP/1.1\r\nX-Pad: "
                + "p".repeat(BodyLimit.MAX_HEADER_BYTES), NO_BODY);
        assertThat(bigHeaders.isProblem(431, "headers-too-large")).as(bigHeaders.toString()).isTrue();
        // a request target and headers just within our limits are served
        assertThat(RawHttp.exchange("GET /.well-known/jwks.json?pad=" + "a".repeat(BodyLimit.MAX_URI - 100)
                + " HTTP/1.1", NO_BODY).status()).isEqualTo(200);
        assertThat(RawHttp.exchange("GET /.well-known/jwks.json HTTP/1.1\r\nX-Pad: "
                + "p".repeat(BodyLimit.MAX_HEADER_BYTES - 200), NO_BODY).status()).isEqualTo(200);
        assertUnchanged(before);
    }

    @Test
    void aBodyFramedOtherwiseThanByLengthOrChunksIsRefused() throws IOException {
        Map<String, String> before = snapshot();
        byte[] body = "{\"to\":\"nobody@example.com\"}".getBytes(StandardCharsets.US_ASCII);
        for (String encoding : new String[]{"gzip", "gzip, chunked", "identity"}) {
            RawHttp.Answer answer = RawHttp.exchange("POST /v1/verifications HTTP/1.1" + KEYED
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: " + encoding, body);
            assertThat(answer.isProblem(400, "invalid-request")).as(encoding + ": " + answer).isTrue();
        }
        assertUnchanged(before);
    }

    /** Found by the body fuzz targets: zero bytes made Jackson read UTF-16 or UTF-32, invalid UTF-32 was a 500. */
    @Test
    void aJsonBodyThatIsNotUtf8IsRefused() throws IOException {
        Map<String, String> before = snapshot();
        String create = "POST /v1/verifications HTTP/1.1" + KEYED + "\r\nContent-Type: application/json\r\nContent-Length: ";
        String json = "{\"to\":\"nobody@example.com\"}";
        byte[][] bodies = {
                json.getBytes(StandardCharsets.UTF_16LE), json.getBytes(StandardCharsets.UTF_16BE),
                json.getBytes(java.nio.charset.Charset.forName("UTF-32BE")),
                {0, 0, 0, '{', '"', 0, 0, 0, 'c', 'o', 'd', 'e', '"', 0, 0, 0, 0, 0, ':'},
                {0, ')', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                {'{', '"', 't', 'o', '"', ':', '"', (byte) 0xc3, '(', '"', '}'}};
        for (byte[] body : bodies) {
            RawHttp.Answer answer = RawHttp.exchange(create + body.length, body);
            assertThat(answer.isProblem(400, "invalid-request")).as(answer.toString()).isTrue();
        }
        assertUnchanged(before);
    }

    /** The bare answers the README lists: refused by Netty or Quarkus before our first route. */
    @Test
    void whatTheHttpLayerRefusesBeforeUsStaysBare() throws IOException {
        Map<String, String> before = snapshot();
        String create = "POST /v1/verifications HTTP/1.1" + KEYED + "\r\nContent-Type: application/json";
        byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
        assertBare(400, RawHttp.exchange(create + "\r\nContent-Length: abc", body));
        assertBare(400, RawHttp.exchange(create + "\r\nContent-Length: -2", body));
        assertBare(400, RawHttp.exchange(create + "\r\nContent-Length: 2\r\nContent-Length: 3", body));
        assertBare(400, RawHttp.exchange("GET /.well-known/jwks.json HTTP/1.1\r\nNo colon here", NO_BODY));
        assertBare(400, RawHttp.exchange("GET /.well-known/jwks.json HTTP/1.1\r\nX-Control: a\u0001b", NO_BODY));
        assertBare(400, RawHttp.exchange("GET /.well-known/jwks.json?a=%zz HTTP/1.1", NO_BODY));
        assertBare(431, RawHttp.exchange("GET /.well-known/jwks.json HTTP/1.1\r\nX-Pad: " + "p".repeat(21_000), NO_BODY));
        // a request line over 4 KiB: Netty answers an HTTP/1.0 414 that this client does not parse
        RawHttp.Answer longLine = RawHttp.exchange("GET /.well-known/jwks.json?" + "a".repeat(5000) + " HTTP/1.1", NO_BODY);
        assertThat(longLine.body()).startsWith("HTTP/1.0 414 ");
        assertUnchanged(before);
    }

    /**
     * The API speaks HTTP/1.1 only: the JDK's client asks for an h2c upgrade on plain http by default, and
     * gets its answers in HTTP/1.1 (HTTP/2 requests were 500s); a connection that opens with the HTTP/2
     * preface is closed or refused, never a 500.
     */
    @Test
    void anHttp2UpgradeIsAnsweredInHttp11() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        String base = "http://localhost:" + RestAssured.port;
        HttpResponse<String> read = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/verifications/VE" + "0".repeat(32)))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(404);
        assertThat(read.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        HttpResponse<String> create = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/verifications"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"http2.upgrade@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(create.statusCode()).as(create.body()).isEqualTo(201);
        HttpResponse<String> keys = client.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/jwks.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(keys.statusCode()).isEqualTo(200);

        RawHttp.Answer preface = RawHttp.exchange("PRI * HTTP/2.0\r\n\r\nSM", NO_BODY);
        assertThat(preface.status()).as(preface.toString()).isNotEqualTo(500).isIn(0, 400, 505);
    }

    /**
     * Headers Quarkus REST or Vert.x Web would fail on: a Content-Type that is no media type was a 500, an
     * HTTP/1.1 request without Host a bare 400 with an ERROR line. Both are problems now, storing nothing.
     */
    @Test
    void aMalformedContentTypeOrAMissingHostIsAProblem() throws IOException {
        Map<String, String> before = snapshot();
        byte[] body = "{\"to\":\"nobody@example.com\"}".getBytes(StandardCharsets.US_ASCII);
        for (String type : new String[]{";;;==", "/", "application/", "a/b/c", "json", "application/json, text/plain",
                "application/json\r\nContent-Type: text/plain", "application/json\r\nContent-Type: application/json"}) {
            RawHttp.Answer answer = RawHttp.exchange("POST /v1/verifications HTTP/1.1" + KEYED
                    + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length, body);
            assertThat(answer.isProblem(400, "invalid-request")).as(type + ": " + answer).isTrue();
            assertThat(answer.body()).contains("Content-Type");
        }
        RawHttp.Answer noHost = RawHttp.exchangeAsIs("GET /v1/verifications/VE" + "0".repeat(32) + " HTTP/1.1"
                + KEYED + "\r\nConnection: close\r\n\r\n");
        assertThat(noHost.isProblem(400, "invalid-request")).as(noHost.toString()).isTrue();
        assertThat(noHost.body()).contains("Host");
        // a target that is no path: Vert.x Web fails it before any route, like a bad Host, but the answer says which
        for (String target : new String[]{"*", "v1/verifications"}) {
            RawHttp.Answer noPath = RawHttp.exchangeAsIs("OPTIONS " + target + " HTTP/1.1\r\nHost: localhost"
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(noPath.isProblem(400, "invalid-request")).as(target + ": " + noPath).isTrue();
            assertThat(noPath.body()).as(target).contains("request target").doesNotContain("Host");
        }
        // two Hosts: two readers could take different ones (RFC 9112 §3.2)
        RawHttp.Answer twoHosts = RawHttp.exchangeAsIs("GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nHost: b"
                + "\r\nConnection: close\r\n\r\n");
        assertThat(twoHosts.isProblem(400, "invalid-request")).as(twoHosts.toString()).isTrue();
        // a Host that names no host and port fails in Vert.x Web just the same
        for (String host : new String[]{"[::1", "a b", "x:99999", "x:80:80", "user@x", "x%"}) {
            RawHttp.Answer badHost = RawHttp.exchangeAsIs("GET /v1/verifications/VE" + "0".repeat(32) + " HTTP/1.1"
                    + KEYED + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(badHost.isProblem(400, "invalid-request")).as(host + ": " + badHost).isTrue();
        }
        assertUnchanged(before);
    }

    /** Spaces before a media type's parameters are allowed (RFC 9110 §8.3.1): the body is read as JSON. */
    @Test
    void aContentTypeWithSpacesBeforeItsParametersIsRead() throws IOException {
        for (String type : new String[]{"application/json ; charset=utf-8", "application/json\t;charset=UTF-8",
                "application/json; charset=utf-8", "application/json"}) {
            String to = newEmail();
            byte[] body = ("{\"to\":\"" + to + "\",\"clientIp\":\"" + newClientIp() + "\"}").getBytes(StandardCharsets.US_ASCII);
            RawHttp.Answer answer = RawHttp.exchange("POST /v1/verifications HTTP/1.1" + KEYED
                    + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length, body);
            assertThat(answer.status()).as(type + ": " + answer).isEqualTo(201);
        }
    }

    /** Nothing decodes a compressed body, so a body that says it is compressed is refused, not read as it is. */
    @Test
    void aBodyWithAContentEncodingIsA415() throws IOException {
        Map<String, String> before = snapshot();
        byte[] body = ("{\"to\":\"" + newEmail() + "\"}").getBytes(StandardCharsets.US_ASCII);
        for (String coding : new String[]{"gzip", "deflate", "br", "identity, gzip", "identity\r\nContent-Encoding: gzip"}) {
            RawHttp.Answer answer = RawHttp.exchange("POST /v1/verifications HTTP/1.1" + KEYED
                    + "\r\nContent-Type: application/json\r\nContent-Encoding: " + coding + "\r\nContent-Length: " + body.length, body);
            assertThat(answer.isProblem(415, "unsupported-media-type")).as(coding + ": " + answer).isTrue();
        }
        assertUnchanged(before);
        RawHttp.Answer identity = RawHttp.exchange("POST /v1/verifications HTTP/1.1" + KEYED
                + "\r\nContent-Type: application/json\r\nContent-Encoding: identity\r\nContent-Length: " + body.length, body);
        assertThat(identity.status()).as(identity.toString()).isEqualTo(201);
        // without a body there is nothing to decode
        RawHttp.Answer noBody = RawHttp.exchangeAsIs("GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost"
                + "\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n");
        assertThat(noBody.status()).as(noBody.toString()).isEqualTo(200);
    }

    /**
     * A request framed by Transfer-Encoding that also carries a Content-Length is how requests are smuggled
     * past a proxy that reads the other header (RFC 9112 §6.3): the connection closes after its answer, so
     * what follows its body is never read as a request of its own. A chunked request alone is answered too.
     */
    @Test
    void aChunkedRequestClosesItsConnectionAfterTheAnswer() throws IOException {
        String body = "{\"to\":\"" + newEmail() + "\",\"clientIp\":\"" + newClientIp() + "\"}";
        for (String length : new String[]{"\r\nContent-Length: 5", ""}) {
            String smuggled = "GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\n\r\n";
            String request = "POST /v1/verifications HTTP/1.1\r\nHost: localhost" + KEYED
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked" + length + "\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n" + smuggled;
            try (java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answers).startsWith("HTTP/1.1 201 ");
                assertThat(answers.split("HTTP/1\\.1 ", -1)).as(answers).hasSize(2);
            }
            body = "{\"to\":\"" + newEmail() + "\",\"clientIp\":\"" + newClientIp() + "\"}";
        }
    }

    /** A refused client that never sends the body it announced does not keep the connection: closed about a second after the answer. */
    @Test
    void aRefusedConnectionIsClosedEvenIfTheClientSendsNothingMore() throws IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v1/verifications HTTP/1.1\r\nHost: localhost" + KEYED
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413 ").contains("\"code\":\"payload-too-large\"");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(8));
        }
    }

    private static void assertBare(int status, RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.body()).isEmpty();
    }
}
