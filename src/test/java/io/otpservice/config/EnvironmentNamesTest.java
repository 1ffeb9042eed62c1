package io.otpservice.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OTP_… environment variables that would configure nothing are reported, not ignored. */
class EnvironmentNamesTest {

    @Test
    void settingsOfEveryKindPass() {
        assertThatCode(() -> EnvironmentNames.check(Map.ofEntries(
                Map.entry("OTP_HMAC_SECRETS", ""), Map.entry("OTP_API_KEYS_CI_HASH", ""),
                Map.entry("OTP_API_KEYS_CI_TWILIO_ACCOUNT_SID", ""), Map.entry("OTP_PURPOSES_LOGIN_CODE_LENGTH", ""),
                Map.entry("OTP_PURPOSES_P12_TTL", ""), Map.entry("OTP_FRAUD_COUNTRY_SENDS_DEFAULT", ""),
                Map.entry("OTP_FRAUD_PREFIX_GUARD_MIN_CONVERSION", ""), Map.entry("OTP_TOKEN_PREVIOUS_PUBLIC_KEYS_0_", ""),
                Map.entry("OTP_API_KEYS_CI_SCOPES_1_", ""), Map.entry("OTP_API_KEYS__MOBILE_APP__HASH", ""),
                Map.entry("OTP_TWILIO_SERVICES_VA0123456789ABCDEF0123456789ABCDEF_FRIENDLY_NAME", ""),
                Map.entry("OTP_SMS_VONAGE_SIGNATURE_SECRET", ""), Map.entry("OTP_REDIS_REPLICA_ACK_TIMEOUT", ""),
                Map.entry("PATH", ""), Map.entry("HOME", "")))).doesNotThrowAnyException();
    }

    /** A name of two words under a named group: the operator named something that would be missing. */
    @Test
    void aGroupNameOfTwoWordsStopsTheStartNamingTheVariables() {
        assertThatThrownBy(() -> EnvironmentNames.check(Map.of("OTP_API_KEYS_MOBILE_APP_HASH", "x",
                "OTP_API_KEYS_MOBILE_APP_SCOPES", "verify:read", "OTP_PURPOSES_PASSWORD_RESET_TTL", "5m",
                "OTP_API_KEYS_CI_HASH", "x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("OTP_API_KEYS_MOBILE_APP_HASH, OTP_API_KEYS_MOBILE_APP_SCOPES, "
                        + "OTP_PURPOSES_PASSWORD_RESET_TTL: configure nothing")
                .hasMessageNotContaining("OTP_API_KEYS_CI_HASH");
        // a typo of a group's setting too
        assertThatThrownBy(() -> EnvironmentNames.check(Map.of("OTP_PURPOSES_LOGIN_TLL", "5m")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("OTP_PURPOSES_LOGIN_TLL");
    }

    /** An index without SmallRye's closing underscore configures nothing, under a group too. */
    @Test
    void anIndexInTheFormSmallRyeDoesNotReadIsReported() {
        assertThatThrownBy(() -> EnvironmentNames.check(Map.of("OTP_API_KEYS_CI_SCOPES_0", "verify:send")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("OTP_API_KEYS_CI_SCOPES_0");
        assertThat(EnvironmentNames.patterns()).noneMatch(p -> p.matcher("OTP_HMAC_SECRETS_0").matches())
                .anyMatch(p -> p.matcher("OTP_HMAC_SECRETS_0_").matches());
    }

    /** Elsewhere a variable of another program may share the prefix: a warning, not a stop. */
    @Test
    void anUnknownTopLevelNameIsOnlyWarnedAbout() {
        assertThatCode(() -> EnvironmentNames.check(Map.of("OTP_MAX_ATTEMPT", "3"))).doesNotThrowAnyException();
    }

    /** Every OTP_ variable the manifests, the compose file and the images set configures something. */
    @Test
    void theDeploymentFilesSetOnlyRealSettings() throws IOException {
        Pattern variable = Pattern.compile("\\b(OTP_[A-Z0-9_]+)\\s*[:=]");
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Stream.concat(Files.walk(Path.of("deploy")),
                Files.walk(Path.of("src/main/docker"))), Stream.of(Path.of("compose.yaml")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher m = variable.matcher(Files.readString(file));
                while (m.find()) {
                    found.add(m.group(1));
                }
                // what deploy/new-secrets.java prints for the backend to use: the API key itself, no setting
                found.remove("OTP_API_KEY");
            }
        }
        assertThat(found).contains("OTP_HMAC_SECRETS", "OTP_SMS_PROVIDERS", "OTP_API_KEYS_DEV_HASH");
        found.forEach(name -> assertThatCode(() -> EnvironmentNames.check(Map.of(name, "")))
                .as(name).doesNotThrowAnyException());
        assertThat(found).allSatisfy(name -> assertThat(EnvironmentNames.patterns())
                .anyMatch(p -> p.matcher(name).matches()));
    }
}
