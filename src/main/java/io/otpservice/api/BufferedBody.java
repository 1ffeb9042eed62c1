package io.otpservice.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Hands the body that {@link BodyLimit} read (and counted) to Quarkus REST, which would otherwise find
 * the request already ended and read an empty body. A JSON body must be UTF-8 (RFC 8259 §8.1) without
 * a NUL byte: Jackson guesses UTF-16 or UTF-32 from zero bytes, so the same bytes would be read one way
 * here and another way by anything that reads them as UTF-8 (and invalid UTF-32 made it throw an
 * exception that was no JSON error: a 500).
 */
public class BufferedBody {

    @ServerRequestFilter(preMatching = true)
    public void handOver(ContainerRequestContext request, RoutingContext rc) {
        Buffer body = rc.get(BodyLimit.BODY);
        if (body != null) {
            byte[] bytes = body.getBytes();
            MediaType type = request.getMediaType();
            String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
            if (isJson(type) && charset != null && !utf8(charset)) {
                // declared in another encoding: read as UTF-8 it would mean something else than was sent
                throw new NotSupportedException("JSON is taken in UTF-8 only");
            }
            if (isJson(type) && !utf8Json(bytes)) {
                throw new ApiException.InvalidRequest("The body must be JSON encoded as UTF-8.",
                        List.of(new FieldError("body", "is not UTF-8 JSON text")));
            }
            request.setEntityStream(new ByteArrayInputStream(bytes));
        }
    }

    /** Strict UTF-8 with no NUL byte (which JSON never has unescaped, and which makes Jackson guess UTF-16/32). */
    static boolean utf8Json(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Names of UTF-8 and of US-ASCII, its subset, as a charset parameter may give them. */
    private static final Set<String> UTF8_NAMES = Set.of("utf-8", "utf8", "us-ascii", "ascii");

    /** UTF-8 or US-ASCII in any case, quoted or not; compared as ASCII (request input gets no Unicode case mapping). */
    static boolean utf8(String charset) {
        String c = charset.strip();
        if (c.length() >= 2 && c.charAt(0) == '"' && c.charAt(c.length() - 1) == '"') {
            c = c.substring(1, c.length() - 1);
        }
        if (c.length() > 8) {
            return false;
        }
        StringBuilder lower = new StringBuilder(c.length());
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            lower.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch);
        }
        return UTF8_NAMES.contains(lower.toString());
    }

    private static boolean isJson(MediaType type) {
        return type != null && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
    }
}
