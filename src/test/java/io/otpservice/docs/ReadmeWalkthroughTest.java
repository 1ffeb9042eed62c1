package io.otpservice.docs;

import io.otpservice.support.ApiTest;
import io.otpservice.token.SigningKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "API walk-through" runs as written: its bash blocks, in order, with the real curl,
 * against the service configured as dev mode ships (the dev profile: its API key, purposes and test
 * recipient). Each curl answers the status its "# → NNN" comment promises. Only the base URL is
 * changed, to this test's server.
 */
@QuarkusTest
@TestProfile(ReadmeWalkthroughTest.DevModeAsShipped.class)
class ReadmeWalkthroughTest extends ApiTest {

    /** The dev profile as shipped; only the signing key, which dev mode generates at start, is given. */
    public static class DevModeAsShipped implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev";
        }

        /** Free ports too: the dev profile does not see the %test ones, and another suite may hold 8081. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("otp.token.signing-key",
                    Base64.getEncoder().encodeToString(SigningKeys.generate().getPrivate().getEncoded()),
                    "quarkus.http.test-port", "0", "quarkus.management.test-port", "0");
        }
    }

    private static final Pattern EXPECTED = Pattern.compile("^# → (\\d{3})\\b", Pattern.MULTILINE);

    /** Records the HTTP status of every curl call in a file; its output is what curl would print. */
    private static final String RECORDING_CURL = """
            curl() {
              local out rc
              out=$(command curl -w '\\n%{http_code}' "$@"); rc=$?
              printf '%s\\n' "${out##*$'\\n'}" >> "$STATUSES"
              printf '%s' "${out%$'\\n'*}"
              return $rc
            }
            """;

    @TestHTTPResource("/")
    URL base;

    @Test
    void theWalkThroughRunsAsWrittenAgainstDevMode() throws Exception {
        String script = walkThrough();
        List<Integer> expected = new ArrayList<>();
        Matcher m = EXPECTED.matcher(script);
        while (m.find()) {
            expected.add(Integer.parseInt(m.group(1)));
        }
        assertThat(script).contains("API=http://localhost:8080\n", "KEY=dev-api-key\n");
        assertThat(expected).as("every curl promises its status").hasSizeGreaterThanOrEqualTo(10);
        String url = base.toString().replaceAll("/$", "");

        Path statuses = Files.createTempFile("walkthrough", ".status");
        // a pipe, as a terminal would be: the walk-through's `tee /dev/stderr` reopens its stderr
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", "set -u\n" + RECORDING_CURL
                + script.replace("API=http://localhost:8080\n", "API=" + url + "\n"))
                .redirectErrorStream(true);
        bash.environment().put("STATUSES", statuses.toString());
        Process process = bash.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();

        List<Integer> seen = Files.readAllLines(statuses).stream().map(Integer::parseInt).toList();
        assertThat(seen).as(printed).containsExactlyElementsOf(expected);
        assertThat(printed).contains("\"status\":\"approved\"", "\"token\":\"eyJ", "\"code\":\"incorrect-code\"",
                "Retry-After: 30", "\"status\":\"canceled\"");
    }

    /** The bash blocks of the README's "API walk-through" section, in order. */
    private static String walkThrough() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## API walk-through\n");
        assertThat(start).isPositive();
        int end = readme.indexOf("\n## ", start + 5);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        StringBuilder script = new StringBuilder();
        Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            script.append(block.group(1)).append('\n');
        }
        return script.toString();
    }
}
