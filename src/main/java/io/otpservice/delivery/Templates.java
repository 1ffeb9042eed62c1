package io.otpservice.delivery;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.otpservice.config.OtpConfig;
import io.otpservice.recipient.Channel;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.Variant;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The texts of the messages, from Qute templates laid out as {@code <channel>/<purpose>/<locale>/<part>}:
 * {@code sms/default/en/body.txt}, {@code email/signup/fr/subject.txt}. Files under
 * {@code otp.templates.dir} win over the shipped ones (templates/otp/ in the jar). The locale falls
 * back to its language, then {@code otp.default-locale}, then {@code en}; within one locale a
 * purpose's own template wins over the {@code default} purpose's.
 */
@Singleton
@Startup
public class Templates {

    private static final Logger LOG = Logger.getLogger("otp.templates");
    private static final String SHIPPED = "otp/";

    /** The parts every channel needs. */
    private static final Map<String, List<String>> PARTS = Map.of(
            "sms", List.of("body.txt"),
            "email", List.of("subject.txt", "body.txt", "body.html"));

    public record Content(String subject, String text, String html) {
        @Override
        public String toString() {
            return "Content[...]";
        }
    }

    private final Engine engine;
    private final String defaultLocale;
    private final Optional<String> webotpDomain;
    private final Map<String, Template> overrides;

    public Templates(Engine engine, OtpConfig config) {
        this.engine = engine;
        this.defaultLocale = config.defaultLocale();
        this.webotpDomain = config.webotp().domain();
        this.overrides = config.templates().dir().map(dir -> load(engine, Path.of(dir))).orElse(Map.of());
        PARTS.forEach((channel, parts) -> parts.forEach(part -> {
            if (find(channel, "default", "en", part).isEmpty()) {
                throw new IllegalStateException("template " + channel + "/default/en/" + part + " is missing");
            }
        }));
    }

    public Content render(Message m) {
        long minutes = Math.max(1, (m.validFor().toSeconds() + 59) / 60);
        if (m.channel() == Channel.SMS) {
            String text = render(m, "body.txt", minutes).strip();
            if (webotpDomain.isPresent()) {
                // WebOTP: the last line lets the browser offer the code to the right origin only
                text = text + "\n\n@" + webotpDomain.get() + " #" + m.code();
            }
            return new Content(null, text, null);
        }
        return new Content(render(m, "subject.txt", minutes).strip(), render(m, "body.txt", minutes),
                render(m, "body.html", minutes));
    }

    private String render(Message m, String part, long minutes) {
        Template template = find(m.channel().wire(), m.purpose(), m.locale(), part).orElseThrow(
                () -> new IllegalStateException("no template " + m.channel().wire() + "/" + part));
        return template.data("code", m.code()).data("minutes", minutes).data("purpose", m.purpose()).render();
    }

    Optional<Template> find(String channel, String purpose, String locale, String part) {
        List<String> purposes = "default".equals(purpose) ? List.of(purpose) : List.of(purpose, "default");
        for (String candidate : locales(locale)) {
            for (String p : purposes) {
                String path = channel + "/" + p + "/" + candidate + "/" + part;
                Template t = overrides.get(path);
                if (t == null) {
                    t = engine.getTemplate(SHIPPED + path);
                }
                if (t != null) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    /** pt-BR → pt-BR, pt, then the default locale and its language, then en. */
    List<String> locales(String tag) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : new String[]{tag, defaultLocale, "en"}) {
            if (t == null || t.isBlank()) {
                continue;
            }
            Locale locale = Locale.forLanguageTag(t);
            out.add(locale.toLanguageTag());
            out.add(locale.getLanguage());
        }
        out.remove("");
        out.remove("und");
        return new ArrayList<>(out);
    }

    /**
     * {@code email/default/fr/subject.txt}, or the same as one flat file name with dots,
     * {@code email.default.fr.subject.txt}, since ConfigMap keys cannot hold a '/'. Null for anything else.
     */
    static String layoutPath(String relative) {
        if (relative.startsWith(".")) {
            return null;
        }
        String[] segments = relative.split("/");
        if (segments.length == 4) {
            return relative;
        }
        String[] dotted = relative.split("\\.");
        if (segments.length == 1 && dotted.length >= 5) {
            return dotted[0] + "/" + dotted[1] + "/" + dotted[2] + "/"
                    + String.join(".", java.util.Arrays.copyOfRange(dotted, 3, dotted.length));
        }
        return null;
    }

    private static Map<String, Template> load(Engine engine, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("otp.templates.dir: " + dir + " is not a directory");
        }
        Map<String, Template> found = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String path = layoutPath(dir.relativize(file).toString().replace('\\', '/'));
                if (path == null) {
                    continue; // not a template; a ConfigMap mount also holds ..data and other dot-entries
                }
                String type = path.endsWith(".html") ? "text/html" : "text/plain";
                String content = Files.readString(file, StandardCharsets.UTF_8);
                try {
                    found.put(path, engine.parse(content, new Variant(Locale.ROOT, type, "UTF-8"), "override:" + path));
                } catch (TemplateException e) {
                    // Qute's message holds the line and what it expected: a plain line, not a stack trace
                    throw new ConfigurationException("otp.templates.dir: " + path + " is not a valid template: "
                            + e.getMessage().replaceAll("\\s+", " "));
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("otp.templates.dir: cannot read " + dir + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        LOG.infof("%d template override(s) from %s: %s", found.size(), dir, found.keySet().stream().sorted().toList());
        return Map.copyOf(found);
    }
}
