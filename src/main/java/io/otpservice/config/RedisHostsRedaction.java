package io.otpservice.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Keeps a Redis password out of the start-up error of a malformed {@code quarkus.redis.hosts}: Quarkus
 * reports a value it cannot convert with the value itself, and a password with an unescaped {@code %},
 * space or {@code ^} makes the whole URI malformed. Such a value (or one without a scheme and host,
 * which would fail later without naming the key) is handed on as a text that names the problem and
 * still fails the conversion, and shows nothing of the value.
 * Well-formed values pass unchanged.
 */
@Priority(Priorities.APPLICATION + 100)
public class RedisHostsRedaction implements ConfigSourceInterceptor {

    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "quarkus.redis.";
    private static final String SUFFIX = "hosts";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || value.getValue() == null || !hostsKey(name)) {
            return value;
        }
        if (value.getValue().isBlank()) {
            return null; // an empty variable is no value: the start stops with "required", not a parse error
        }
        for (String part : value.getValue().split(",")) {
            if (!wellFormed(part.strip())) {
                return value.withValue(redacted(value.getValue()));
            }
        }
        return value;
    }

    /** quarkus.redis.hosts, or the hosts of a named client: quarkus.redis.<name>.hosts. */
    static boolean hostsKey(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return false;
        }
        String middle = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        return middle.isEmpty() || middle.endsWith(".") && (middle.indexOf('.') == middle.length() - 1
                || middle.startsWith("\"") && middle.endsWith("\"."));
    }

    static boolean wellFormed(String uri) {
        try {
            URI parsed = new URI(uri);
            // a Unix socket (unix:///run/redis.sock) has a path and no host
            return parsed.getScheme() != null && (parsed.getHost() != null || "unix".equals(parsed.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Nothing of the value: a password may hold a ',' (which splits the list) or come as ?password=, so no
     * part of it is safe to show. Not a URI either (it starts with '['), so the conversion still fails.
     */
    static String redacted(String value) {
        return "[not a list of redis://[user:password@]host:port URIs, not shown since it may hold a password;"
                + " percent-encode special characters of a password]";
    }
}
