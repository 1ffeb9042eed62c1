package io.otpservice.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.WithName;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Environment variables named {@code OTP_…} that configure nothing. Quarkus ignores an environment
 * variable it cannot map, where it would refuse the same typo as a property, so
 * {@code OTP_MAX_ATTEMPT=3} or a key name of two words ({@code OTP_API_KEYS_MOBILE_APP_HASH}: the
 * name cannot be told from the setting) used to leave the service running without the setting.
 * A variable under a named group (an API key, a purpose, a Twilio service, a country) that matches
 * no setting stops the start, since something the operator named would be missing; any other is
 * logged as a warning (a variable of another program may share the prefix).
 */
@Singleton
@Startup(0)
final class EnvironmentNames {

    private static final Logger LOG = Logger.getLogger("otp.config");
    /** A map's name: one word, or SmallRye's quoted form (__MOBILE_APP__, which names it mobile.app). */
    private static final String NAME = "(?:[A-Z0-9]+|_[A-Z0-9_]+_)";

    EnvironmentNames() {
        check(System.getenv());
    }

    static void check(Map<String, String> environment) {
        List<String> names = names();
        List<Pattern> known = names.stream().map(Pattern::compile).toList();
        List<String> namedGroups = namedGroups(names);
        TreeSet<String> fatal = new TreeSet<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (String variable : environment.keySet()) {
            if (!variable.startsWith("OTP_") || known.stream().anyMatch(p -> p.matcher(variable).matches())) {
                continue;
            }
            if (namedGroups.stream().anyMatch(variable::startsWith)) {
                fatal.add(variable);
            } else {
                unknown.add(variable);
            }
        }
        if (!unknown.isEmpty()) {
            LOG.warnf("environment variables that configure nothing (a typo?): %s", String.join(", ", unknown));
        }
        if (!fatal.isEmpty()) {
            throw new ConfigurationException(String.join(", ", fatal) + ": configure nothing: a misspelt setting,"
                    + " or a name of two words. The name of an API key,"
                    + " a purpose or a Twilio service is one word (letters and digits) in an environment variable, where"
                    + " OTP_API_KEYS_MOBILE_APP_HASH cannot be told from a setting APP_HASH of the key MOBILE; use one word,"
                    + " or set the key as otp.api-keys.\"mobile-app\".hash in config/application.properties");
        }
    }

    /** The environment form of every setting of {@link OtpConfig}, as patterns, a name of a map being one word. */
    static List<Pattern> patterns() {
        return names().stream().map(Pattern::compile).toList();
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        walk(OtpConfig.class, "OTP", names);
        return names;
    }

    /** The prefixes of the maps of groups and of values: OTP_API_KEYS_, OTP_PURPOSES_, … */
    private static List<String> namedGroups(List<String> names) {
        return names.stream().filter(n -> n.contains(NAME)).map(n -> n.substring(0, n.indexOf(NAME))).distinct().toList();
    }

    private static void walk(Class<?> group, String prefix, List<String> into) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String name = prefix + "_" + env(named != null ? named.value() : kebab(method.getName()));
            leaf(method.getGenericReturnType(), name, into);
        }
    }

    private static void leaf(Type type, String name, List<String> into) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (raw == Optional.class) {
                leaf(arguments[0], name, into);
                return;
            }
            if (raw == Map.class) {
                leaf(arguments[1], name + "_" + NAME, into);
                return;
            }
            into.add(name + "(?:_[0-9]+_)?"); // a list, also by index: OTP_HMAC_SECRETS_0_ is otp.hmac-secrets[0]
            return;
        }
        if (type instanceof Class<?> c && c.isInterface() && c.getName().startsWith(OtpConfig.class.getName())) {
            walk(c, name, into);
            return;
        }
        into.add(name);
    }

    private static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String env(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
