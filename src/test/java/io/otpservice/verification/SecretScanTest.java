package io.otpservice.verification;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otpservice.support.ApiTest;
import io.otpservice.support.RedisContents;
import io.otpservice.support.SmtpServerResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * No code and no raw recipient appears in the captured log, in any Redis key name or in
 * any Redis value, after its own traffic and whatever the suite did before. Codes are matched as
 * whole tokens.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class SecretScanTest extends ApiTest {

    private static final Pattern TOKEN = Pattern.compile("[0-9A-Za-z]+");
    private static final Pattern MAILED_CODE = Pattern.compile("code is (?:<strong>)?([0-9]{4,10})");


    @Test
    void noCodeOrRecipientLeaksIntoLogsOrRedis() throws IOException {
        // its own traffic of every kind, so the scan never depends on which tests ran before it
        for (int i = 0; i < 5; i++) {
            String to = newEmail();
            String id = create(java.util.Map.of("to", to, "session", "web-" + i)).then().statusCode(201)
                    .extract().path("id");
            String code = codesSentTo(to, 1).getFirst();
            check(id, VerificationApiTest.wrong(code)).then().statusCode(422);
            if (i % 2 == 0) {
                api().body(java.util.Map.of("code", code, "session", "web-" + i))
                        .post("/v1/verifications/" + id + "/check").then().statusCode(200);
            }
            api().header("Idempotency-Key", "scan-" + i).body(java.util.Map.of("to", newEmail(), "clientIp", newClientIp()))
                    .post("/v1/verifications").then().statusCode(201);
        }
        create("+15005550008").then().statusCode(201); // its own test recipient: left pending
        for (int i = 0; i < 2; i++) { // SMS through the providers (WireMock)
            String phone = newPhone();
            String id = create(phone).then().statusCode(201).extract().path("id");
            check(id, VerificationApiTest.wrong(smsCodesSentTo(phone, 1).getFirst())).then().statusCode(422);
        }

        Set<String> codes = new HashSet<>(CODES);
        for (MimeMessage message : SmtpServerResource.greenMail().getReceivedMessages()) {
            Matcher m = MAILED_CODE.matcher(GreenMailUtil.getWholeMessage(message));
            while (m.find()) {
                codes.add(m.group(1));
            }
        }
        codes.add("482913");
        codes.add("5550199");
        Set<String> recipients = new HashSet<>(RECIPIENTS);
        recipients.add("+15005550006");
        recipients.add("+15005550007");
        recipients.add("+15005550008");
        recipients.add("review@example.com");
        assertThat(codes).hasSizeGreaterThanOrEqualTo(10);
        assertThat(recipients).hasSizeGreaterThanOrEqualTo(10);

        // the whole suite's log: one file from the suite's start (support.FreshTestLog), not rotated at boots
        String log = Files.readString(Path.of("target/otp-test.log"));
        assertThat(log).contains("create VE").contains("\"op\":\"check\"");
        // every line, less the logger's own numeric metadata (sequence, thread and process ids), whose
        // digits could equal a code by chance
        StringBuilder text = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        for (String line : log.split("\n")) {
            if (line.startsWith("{")) {
                ObjectNode node = (ObjectNode) json.readTree(line);
                node.remove(List.of("sequence", "threadId", "processId", "timestamp"));
                text.append(node).append('\n');
            } else {
                text.append(line).append('\n');
            }
        }
        assertNoSecret("the log", text.toString(), codes, recipients);

        Map<String, String> contents = RedisContents.snapshot(redis);
        assertThat(contents).isNotEmpty();
        contents.forEach((key, value) -> {
            assertNoSecret("Redis key " + key, key, codes, recipients);
            assertNoSecret("Redis value of " + key, value, codes, recipients);
        });
    }

    private static void assertNoSecret(String where, String text, Set<String> codes, Set<String> recipients) {
        String lower = text.toLowerCase(Locale.ROOT);
        String recipient = firstContained(lower, recipients);
        assertThat(recipient).as(where + " holds a raw recipient: " + context(lower, lower.indexOf(String.valueOf(recipient)),
                String.valueOf(recipient).length())).isNull();
        // a code counts as a whole token: a run of letters and digits that equals it
        Matcher token = TOKEN.matcher(text);
        while (token.find()) {
            if (codes.contains(token.group())) {
                fail(where + " holds a code: ..." + context(text, token.start(), token.end() - token.start()));
            }
        }
    }

    /**
     * A recipient that occurs anywhere in {@code text} (as a substring, like String.contains), or null:
     * one pass over the text, checking at each position the recipients' lengths, instead of one scan of
     * a suite's log per recipient.
     */
    private static String firstContained(String text, Set<String> recipients) {
        Set<String> wanted = new HashSet<>();
        Set<Integer> lengths = new TreeSet<>();
        Set<Character> starts = new HashSet<>();
        for (String r : recipients) {
            String lower = r.toLowerCase(Locale.ROOT);
            wanted.add(lower);
            lengths.add(lower.length());
            starts.add(lower.charAt(0));
        }
        for (int i = 0; i < text.length(); i++) {
            if (!starts.contains(text.charAt(i))) {
                continue;
            }
            for (int length : lengths) {
                if (i + length > text.length()) {
                    break;
                }
                String candidate = text.substring(i, i + length);
                if (wanted.contains(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static String context(String text, int at, int length) {
        return at < 0 ? "" : text.substring(Math.max(0, at - 80), Math.min(text.length(), at + length + 80));
    }
}
