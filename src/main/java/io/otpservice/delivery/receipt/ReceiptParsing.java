package io.otpservice.delivery.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading receipt bodies (form or JSON) and making provider texts safe to store. */
final class ReceiptParsing {

    private ReceiptParsing() {
    }

    /** An application/x-www-form-urlencoded text (a body or a query) as names and their values. */
    static Map<String, List<String>> form(String text) {
        return new QueryStringDecoder(text == null ? "" : text, StandardCharsets.UTF_8, false).parameters();
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
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ReceiptRejected.Unreadable("The receipt must be a JSON object.");
            }
            Map<String, String> out = new HashMap<>();
            node.properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    out.put(e.getKey(), e.getValue().asText());
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

    /** At most 8 digits of a provider's error code. */
    static String digits(String value) {
        String d = value.replaceAll("[^0-9]", "");
        return d.length() > 8 ? d.substring(0, 8) : d;
    }

    /** A provider's error as plain words: no markup, no numbers long enough to be a phone number or code. */
    static String words(String error) {
        String s = error.replaceAll("[^A-Za-z ._:-]", "").strip();
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
