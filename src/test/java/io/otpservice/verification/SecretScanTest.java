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
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No code and no raw recipient appears in the captured log, in any Redis key name or in
 * any Redis value, after its own traffic and whatever the suite did before. Codes are matched as
 * whole tokens.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class SecretScanTest extends ApiTest {

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

    private static String context(String text, Matcher m) {
        return text.substring(Math.max(0, m.start() - 80), Math.min(text.length(), m.end() + 80));
    }

    private static void assertNoSecret(String where, String text, Set<String> codes, Set<String> recipients) {
        String lower = text.toLowerCase();
        for (String recipient : recipients) {
            assertThat(lower).as(where + " holds a raw recipient").doesNotContain(recipient.toLowerCase());
        }
        for (String code : codes) {
            Matcher m = Pattern.compile("(?<![0-9A-Za-z])" + code + "(?![0-9A-Za-z])").matcher(text);
            assertThat(m.find()).as(where + " holds a code: ..." + (m.hitEnd() ? "" : context(text, m))).isFalse();
        }
    }
}
