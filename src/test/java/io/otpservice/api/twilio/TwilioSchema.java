package io.otpservice.api.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field-by-field check of a response body against Twilio's schema for it. The schemas are read from
 * the official twilio-java SDK (a test dependency), whose model classes are generated from Twilio's
 * OpenAPI description of Verify v2: the fields are the SDK's {@code @JsonProperty} names, their types
 * the SDK's Java types, a channel one of the SDK's enum values. Added here, from Twilio's documented
 * wire format: SIDs are two letters and 32 hex digits, fields are nullable except the channel and
 * integers, and the error body is {@code code}, {@code message}, {@code more_info}, {@code status}.
 * <p>
 * Stricter than the schema where the SDKs or callers depend on it: every schema property must be
 * present (Twilio emits nulls, it does not omit fields), no property may be added (nothing of /v1
 * leaks), and date-times must be Twilio's second-precision UTC form, which the SDK parses with
 * {@code ISO_ZONED_DATE_TIME} (a date it cannot parse silently becomes null).
 */
public final class TwilioSchema {

    /** Twilio's own form: {@code 2015-07-30T20:00:00Z}. */
    static final Pattern TWILIO_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

    private final JsonNode root;

    private TwilioSchema(JsonNode root) {
        this.root = root;
    }

    public static TwilioSchema load() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode operations = root.putObject("operations");
        operation(operations, "CreateVerification", "201", "verification");
        operation(operations, "CreateVerificationCheck", "200", "verification_check");
        operation(operations, "FetchVerification", "200", "verification");
        operation(operations, "UpdateVerification", "200", "verification");
        operation(operations, "FetchService", "200", "service");
        ObjectNode schemas = root.putObject("schemas");
        schemas.set("verification", fromSdk(json, com.twilio.rest.verify.v2.service.Verification.class, "VE"));
        schemas.set("verification_check", fromSdk(json, com.twilio.rest.verify.v2.service.VerificationCheck.class, "VE"));
        schemas.set("service", fromSdk(json, com.twilio.rest.verify.v2.Service.class, "VA"));
        ObjectNode error = schemas.putObject("error").putObject("properties");
        error.putObject("code").put("type", "integer");
        error.putObject("message").put("type", "string");
        error.putObject("more_info").put("type", "string");
        error.putObject("status").put("type", "integer");
        return new TwilioSchema(root);
    }

    private static void operation(ObjectNode operations, String name, String status, String schema) {
        ObjectNode operation = operations.putObject(name);
        operation.putArray("success").add(status);
        operation.put("schema", schema);
    }

    /** The properties of an SDK model: the parameters of its {@code @JsonCreator} constructor. */
    private static ObjectNode fromSdk(ObjectMapper json, Class<?> model, String ownPrefix) {
        Constructor<?> creator = Arrays.stream(model.getDeclaredConstructors())
                .filter(c -> c.isAnnotationPresent(JsonCreator.class)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no @JsonCreator in " + model));
        ObjectNode schema = json.createObjectNode();
        ObjectNode properties = schema.putObject("properties");
        for (Parameter parameter : creator.getParameters()) {
            String name = parameter.getAnnotation(JsonProperty.class).value();
            ObjectNode rule = properties.putObject(name);
            Class<?> type = parameter.getType();
            rule.put("nullable", true);
            if (type == String.class) {
                rule.put("type", "string");
            } else if (type == Boolean.class) {
                rule.put("type", "boolean");
            } else if (type == Integer.class) {
                rule.put("type", "integer").put("nullable", false);
            } else if (List.class.isAssignableFrom(type)) {
                rule.put("type", "array");
            } else if (Map.class.isAssignableFrom(type)) {
                rule.put("type", "object").put("format", "uri-map");
            } else if (type == ZonedDateTime.class) {
                rule.put("type", "string").put("format", "date-time");
            } else if (type == URI.class) {
                rule.put("type", "string").put("format", "uri");
            } else if (type.isEnum()) {
                rule.put("type", "string").put("nullable", false);
                ArrayNode values = rule.putArray("enum");
                Arrays.stream(type.getEnumConstants()).forEach(value -> values.add(value.toString()));
            } // Object: any JSON value (lookup, sna, push, ...)
            String prefix = switch (name) {
                case "sid" -> ownPrefix;
                case "service_sid" -> "VA";
                case "account_sid" -> "AC";
                case "default_template_sid" -> "HJ";
                default -> null;
            };
            if (prefix != null) {
                rule.put("minLength", 34).put("maxLength", 34).put("pattern", "^" + prefix + "[0-9a-fA-F]{32}$");
            }
        }
        return schema;
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
