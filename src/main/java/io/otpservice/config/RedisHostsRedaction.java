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
 * still fails the conversion, with whatever stood between {@code ://} and {@code @} left out.
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
            return parsed.getScheme() != null && parsed.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Not a URI either (spaces, brackets), so the conversion fails as it would have, naming the key. */
    static String redacted(String value) {
        StringBuilder shown = new StringBuilder();
        for (String part : value.split(",", -1)) {
            if (!shown.isEmpty()) {
                shown.append(',');
            }
            int at = part.lastIndexOf('@');
            if (at < 0) {
                shown.append(part);
            } else {
                // whatever comes before the host, a password with '/', ':' or '@' in it included
                int scheme = part.indexOf("://");
                shown.append(scheme >= 0 && scheme < at ? part.substring(0, scheme + 3) : "").append("(hidden)")
                        .append(part.substring(at));
            }
        }
        return "[not a redis://user:password@host:port URI; percent-encode special characters of a password] "
                + shown;
    }
}
