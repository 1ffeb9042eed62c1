package io.otpservice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otpservice.api.auth.Caller;
import io.otpservice.api.auth.Scope;
import io.otpservice.code.Hasher;
import io.otpservice.config.Settings;
import io.otpservice.recipient.Recipients;
import io.otpservice.support.TestConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.core.Response;

import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.Function;

/**
 * What the request-body fuzz targets share: the JSON mapper as the service configures it, the
 * validator built from the test configuration, and the checks on every outcome: a command, or an
 * invalid-request problem that can be written out and names only fields the API has.
 */
final class BodyFuzzing {

    static final ObjectMapper JSON = mapper();
    static final Settings SETTINGS = new Settings(TestConfig.otp());
    static final RequestValidator VALIDATOR = new RequestValidator(SETTINGS, new Recipients());
    static final Hasher HASHER = new Hasher(SETTINGS.hmacSecrets());
    static final Caller CALLER = new Caller("fuzz", Set.of(Scope.SEND, Scope.CHECK, Scope.CLIENT_IP));
    /** A Vert.x request that only knows its remote address, which is all the validator asks. */
    static final HttpServerRequest HTTP = (HttpServerRequest) Proxy.newProxyInstance(BodyFuzzing.class.getClassLoader(),
            new Class<?>[]{HttpServerRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                case "remoteAddress" -> SocketAddress.inetSocketAddress(40000, "192.0.2.10");
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> null;
            });
    private static final ProblemMapper PROBLEMS = new ProblemMapper(new AllowedMethods());
    private static final Set<String> FIELDS = Set.of("to", "channel", "purpose", "locale", "session", "clientIp", "code",
            "body");

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,64}");

    private BodyFuzzing() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new JsonSettings().customize(mapper);
        return mapper;
    }

    /**
     * Reads the body as {@code type} and validates it; a refusal must be the problem a client would get.
     * Anything else that escapes is a finding.
     */
    static <T, C> C validate(byte[] body, Class<T> type, Function<T, C> validation) {
        if (!BufferedBody.utf8Json(body)) {
            return null; // refused before Jackson reads it, as the service does
        }
        T request;
        try {
            request = JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            answer(PROBLEMS.json(e));
            return null;
        } catch (java.io.IOException e) {
            // found by the body fuzz targets: UTF-32 guessed from zero bytes, then
            // an encoding error that is no JSON error; BufferedBody now refuses such bodies first
            throw new java.io.UncheckedIOException(e);
        }
        try {
            return validation.apply(request);
        } catch (ApiException.InvalidRequest e) {
            answer(ProblemMapper.respond(Problem.of(e)));
            return null;
        }
    }

    /** The problem can be written as JSON, is a 400, and names only the API's own fields. */
    private static void answer(Response response) {
        Problem problem = (Problem) response.getEntity();
        if (problem.status() != 400 || !"invalid-request".equals(problem.code())) {
            throw new AssertionError("a refused body that is not an invalid-request");
        }
        if (problem.errors() == null || problem.errors().isEmpty()) {
            throw new AssertionError("an invalid-request without its errors");
        }
        for (FieldError error : problem.errors()) {
            // an unknown member is named back only when its name is plain (the caller's typo, never its text)
            boolean unknown = "unknown field".equals(error.message()) && PLAIN.matcher(error.field()).matches();
            if (!FIELDS.contains(error.field()) && !unknown) {
                throw new AssertionError("a problem naming a field the API does not have");
            }
        }
        try {
            JSON.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new AssertionError("a problem that cannot be written", e);
        }
    }

    /** A session as validated must hash (strict UTF-8), and within its limits. */
    static void checkSession(String session) {
        if (session != null) {
            if (session.isEmpty() || session.length() > RequestValidator.MAX_SESSION) {
                throw new AssertionError("a session outside its limits");
            }
            HASHER.sessionHash(session);
        }
    }
}
