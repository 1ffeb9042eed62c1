package io.otpservice.api.twilio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a /v2 request: an {@code application/x-www-form-urlencoded} body, read strictly.
 * The raw body is printable ASCII, every {@code %} starts two hex digits, the decoded bytes are valid in
 * the declared charset (UTF-8 unless ISO-8859-1 or US-ASCII is declared; no malformed or surrogate
 * sequences), and no parameter comes twice. Anything else is 60200: a lenient decoder would turn bad
 * escapes into replacement characters that then reach the validators.
 */
final class TwilioForm {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int MAX_PARAMETERS = 64;

    private final Map<String, String> values;

    private TwilioForm(Map<String, String> values) {
        this.values = values;
    }

    /** An empty body is an empty form whatever its type; a non-empty one must be a UTF-8 form. */
    static TwilioForm parse(String contentType, String body) {
        if (body == null || body.isEmpty()) {
            return new TwilioForm(Map.of());
        }
        Charset charset = formCharset(contentType).orElseThrow(() -> TwilioException.invalidParameter("Content-Type"));
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset, null);
            String value = decode(eq < 0 ? "" : pair.substring(eq + 1), charset, name);
            if (name.isEmpty() || values.putIfAbsent(name, value) != null || values.size() > MAX_PARAMETERS) {
                throw TwilioException.invalidParameter(name.isEmpty() || values.size() > MAX_PARAMETERS ? null : safe(name));
            }
        }
        return new TwilioForm(Map.copyOf(values));
    }

    /** The value, or null when not sent. */
    String value(String name) {
        return values.get(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The charset of a form body: UTF-8 unless declared otherwise; empty when not a form or an unknown charset. */
    private static Optional<Charset> formCharset(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase(FORM)) {
            return Optional.empty();
        }
        Charset charset = StandardCharsets.UTF_8;
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].strip().split("=", 2);
            if (param[0].equalsIgnoreCase("charset") && param.length == 2) {
                charset = switch (param[1].strip().replace("\"", "").toLowerCase(Locale.ROOT)) {
                    case "utf-8", "utf8" -> StandardCharsets.UTF_8;
                    case "iso-8859-1", "latin1" -> StandardCharsets.ISO_8859_1;
                    case "us-ascii" -> StandardCharsets.US_ASCII;
                    default -> null;
                };
                if (charset == null) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(charset);
    }

    /** Percent-decoding of one name or value; {@code name} names the parameter in the error, if known. */
    private static String decode(String text, Charset charset, String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 2 < text.length() ? hex(text.charAt(i + 1)) : -1;
                int low = i + 2 < text.length() ? hex(text.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    throw bad(name);
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                bytes.write(c);
            } else {
                throw bad(name);
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(name);
        }
    }

    /** An ASCII hex digit's value, else -1 (Character.digit would take other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static TwilioException bad(String name) {
        return TwilioException.invalidParameter(name == null ? null : safe(name));
    }

    /** A parameter name fit for a message: Twilio's are short PascalCase words; anything else is not repeated. */
    private static String safe(String name) {
        return name.matches("[A-Za-z][A-Za-z0-9]{0,39}") ? name : null;
    }
}
