package io.otpservice.delivery.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reading receipt bodies (form or JSON) and making provider texts safe to store. Reading is strict: a
 * bad percent-escape, bytes that are not UTF-8, malformed Unicode or a name given twice make the
 * receipt unreadable (400) instead of being guessed at, so the signature check and the reading never
 * see two different receipts in one request. No message quotes the input.
 */
final class ReceiptParsing {

    static final String NOT_A_FORM = "The receipt is not a valid application/x-www-form-urlencoded text.";

    private ReceiptParsing() {
    }

    static final String NAMED_TWICE = "The receipt names a field more than once.";

    /** Refuses a receipt that names a field in both its query and its body: two readers could take either. */
    static void neverInBoth(Map<String, ?> query, Map<String, ?> body) {
        for (String name : body.keySet()) {
            if (query.containsKey(name)) {
                throw new ReceiptRejected.Unreadable(NAMED_TWICE);
            }
        }
    }

    /**
     * An application/x-www-form-urlencoded text (a body or a query) as names and their values, in
     * order: pairs split on '&', '+' is a space, every '%' starts two hex digits of a UTF-8 byte.
     */
    static Map<String, List<String>> form(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('&', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start) {
                int eq = text.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                String name = decode(text, start, hasValue ? eq : end);
                String value = hasValue ? decode(text, eq + 1, end) : "";
                List<String> values = out.computeIfAbsent(name, k -> new ArrayList<>(1));
                if (!values.isEmpty()) {
                    throw new ReceiptRejected.Unreadable(NAMED_TWICE);
                }
                values.add(value);
            }
            start = end + 1;
        }
        return out;
    }

    /** One percent-encoded component, strictly. */
    private static String decode(String text, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 1 < to ? hex(text.charAt(i + 1)) : -1;
                int low = i + 2 < to ? hex(text.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    throw new ReceiptRejected.Unreadable(NOT_A_FORM);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < to ? i + 2 : i + 1;
                bytes.writeBytes(utf8(text.substring(i, end)));
                i = end - 1;
            }
        }
        return utf8(bytes.toByteArray());
    }

    /** An ASCII hex digit's value, else -1 (Character.digit would take other scripts' digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** UTF-8 bytes as text; anything else is unreadable. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ReceiptRejected.Unreadable("The receipt is not UTF-8 text.");
        }
    }

    /** Text as UTF-8 bytes; malformed Unicode (a lone surrogate) is unreadable. */
    private static byte[] utf8(String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new ReceiptRejected.Unreadable("The receipt is not valid Unicode text.");
        }
    }

    /** The first value of each name. */
    static Map<String, String> firstValues(Map<String, List<String>> params) {
        Map<String, String> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, v.getFirst()));
        return out;
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The top-level members of a JSON object as text; anything else is unreadable. */
    static Map<String, String> flatJson(ObjectMapper json, String body) {
        return flatJson(json, body, Set.of());
    }

    /** As {@link #flatJson(ObjectMapper, String)}, and the members named in {@code strings} must be JSON strings. */
    static Map<String, String> flatJson(ObjectMapper json, String body, Set<String> strings) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ReceiptRejected.Unreadable("The receipt must be a JSON object.");
            }
            Map<String, String> out = new HashMap<>();
            node.properties().forEach(e -> {
                if (strings.contains(e.getKey()) && !e.getValue().isTextual()) {
                    throw new ReceiptRejected.Unreadable(notAString(e.getKey()));
                }
                if (e.getValue().isValueNode()) {
                    String value = e.getValue().asText();
                    // a lone surrogate (from a JSON escape) is not text that a signature could have covered
                    utf8(e.getKey());
                    utf8(value);
                    out.put(e.getKey(), value);
                }
            });
            return out;
        } catch (JsonProcessingException e) {
            throw new ReceiptRejected.Unreadable("The receipt is not valid JSON.");
        }
    }

    static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    private static final Pattern ERROR_CODE = Pattern.compile("[0-9]{1,8}");

    static String notAnErrorCode(String name) {
        return name + " must be a number of at most 8 digits.";
    }

    static String notAString(String name) {
        return name + " must be a string.";
    }

    /** A provider's error code, a number of at most 8 digits (null when absent or empty); else unreadable. */
    static String errorCode(String value, String name) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!ERROR_CODE.matcher(value).matches()) {
            throw new ReceiptRejected.Unreadable(notAnErrorCode(name));
        }
        return value;
    }

    /** A provider's error as plain words: no markup, no numbers long enough to be a phone number or code. */
    static String words(String error) {
        // a word with an '@' may be an address: it goes whole (without its '@' it would still read as one)
        String s = error.replaceAll("\\S*@\\S*", " ").replaceAll("[^A-Za-z ._:-]", "").replaceAll(" {2,}", " ")
                .strip();
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
