package io.otpservice.api.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field-by-field check of a response body against one schema of verify-v2-schemas.json (Twilio's
 * OpenAPI schemas, extracted). Stricter than the schema where the SDKs or callers depend on it:
 * every schema property must be present (Twilio emits nulls, it does not omit fields), no property
 * may be added (nothing of /v1 leaks), and date-times must be Twilio's second-precision UTC form,
 * which the SDK parses with {@code ISO_ZONED_DATE_TIME} (a date it cannot parse silently becomes null).
 */
public final class TwilioSchema {

    /** Twilio's own form: {@code 2015-07-30T20:00:00Z}. */
    static final Pattern TWILIO_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

    private final JsonNode root;

    private TwilioSchema(JsonNode root) {
        this.root = root;
    }

    public static TwilioSchema load() {
        try (InputStream in = TwilioSchema.class.getResourceAsStream("/twilio/verify-v2-schemas.json")) {
            return new TwilioSchema(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema name of an operation's success body, e.g. {@code CreateVerification} → {@code verification}. */
    public String schemaOf(String operation) {
        return root.path("operations").path(operation).path("schema").asText();
    }

    /** The HTTP statuses Twilio's description allows for an operation's success, e.g. {@code ["201"]}. */
    public List<String> statusesOf(String operation) {
        List<String> statuses = new ArrayList<>();
        root.path("operations").path(operation).path("success").forEach(s -> statuses.add(s.asText()));
        return statuses;
    }

    /** Violations of {@code body} against schema {@code name}; {@code extras} may appear beyond the schema. */
    public List<String> check(String name, JsonNode body, Set<String> extras) {
        JsonNode schema = root.path("schemas").path(name);
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException("no schema " + name);
        }
        List<String> errors = new ArrayList<>();
        if (!body.isObject()) {
            errors.add("body is not a JSON object");
            return errors;
        }
        JsonNode properties = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String field = property.getKey();
            if (!body.has(field)) {
                errors.add(field + ": missing");
                continue;
            }
            checkValue(field, body.get(field), property.getValue(), errors);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!properties.has(field) && !extras.contains(field)) {
                errors.add(field + ": not in Twilio's schema");
            }
        }
        return errors;
    }

    public List<String> check(String name, JsonNode body) {
        return check(name, body, Set.of());
    }

    private static void checkValue(String field, JsonNode value, JsonNode rule, List<String> errors) {
        if (value.isNull()) {
            if (!rule.path("nullable").asBoolean(false)) {
                errors.add(field + ": null but not nullable");
            }
            return;
        }
        String type = rule.path("type").asText("");
        switch (type) {
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(field + ": expected a string, got " + value.getNodeType());
                    return;
                }
                checkString(field, value.asText(), rule, errors);
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(field + ": expected a boolean, got " + value.getNodeType());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(field + ": expected an integer, got " + value.getNodeType());
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(field + ": expected an array, got " + value.getNodeType());
                }
            }
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(field + ": expected an object, got " + value.getNodeType());
                } else if ("uri-map".equals(rule.path("format").asText())) {
                    value.fields().forEachRemaining(e -> {
                        if (!e.getValue().isTextual() || !absoluteUri(e.getValue().asText())) {
                            errors.add(field + "." + e.getKey() + ": not an absolute URI");
                        }
                    });
                }
            }
            default -> {
                // untyped ({} in the schema: lookup, sna, push, ...): any JSON value
            }
        }
    }

    private static void checkString(String field, String text, JsonNode rule, List<String> errors) {
        if (rule.has("minLength") && text.length() < rule.get("minLength").asInt()) {
            errors.add(field + ": shorter than " + rule.get("minLength").asInt());
        }
        if (rule.has("maxLength") && text.length() > rule.get("maxLength").asInt()) {
            errors.add(field + ": longer than " + rule.get("maxLength").asInt());
        }
        if (rule.has("pattern") && !Pattern.compile(rule.get("pattern").asText()).matcher(text).find()) {
            errors.add(field + ": does not match " + rule.get("pattern").asText());
        }
        if (rule.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : rule.get("enum")) {
                listed |= allowed.asText().equals(text);
            }
            if (!listed) {
                errors.add(field + ": '" + text + "' not in " + rule.get("enum"));
            }
        }
        switch (rule.path("format").asText("")) {
            case "date-time" -> {
                if (!TWILIO_DATE_TIME.matcher(text).matches()) {
                    errors.add(field + ": '" + text + "' is not yyyy-MM-ddTHH:mm:ssZ");
                }
                try {
                    ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME);
                } catch (RuntimeException e) {
                    errors.add(field + ": the SDK cannot parse '" + text + "'");
                }
            }
            case "uri" -> {
                if (!absoluteUri(text)) {
                    errors.add(field + ": not an absolute URI");
                }
            }
            default -> {
            }
        }
    }

    private static boolean absoluteUri(String text) {
        try {
            return URI.create(text).isAbsolute();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
