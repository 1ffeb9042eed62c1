package io.otpservice.delivery;

import io.otpservice.support.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shipped locale renders on both channels, and each SMS stays one segment. */
@QuarkusTest
class TemplatesTest extends ApiTest {

    @Inject
    Templates templates;

    @ParameterizedTest
    @ValueSource(strings = {"en", "es", "fr", "de", "pt", "hi"})
    void everyShippedLocaleHasItsOwnWording(String locale) {
        Templates.Content english = templates.render(message("email", "en", "1234567890"));
        Templates.Content email = templates.render(message("email", locale, "1234567890"));
        assertThat(email.subject()).isNotBlank().doesNotContain("{");
        assertThat(email.text()).contains("1234567890").contains("10").doesNotContain("{");
        assertThat(email.html()).contains("<strong>1234567890</strong>").contains("lang=\"" + locale + "\"");
        if (!locale.equals("en")) {
            assertThat(email.subject()).isNotEqualTo(english.subject());
            assertThat(email.text()).isNotEqualTo(english.text());
        }
        String sms = templates.render(message("sms", locale, "1234567890")).text();
        assertThat(sms).contains("1234567890").endsWith("\n\n@otp.test.example #1234567890");
    }

    /** The longest code and a long WebOTP domain still fit one GSM-7 segment; Hindi needs UCS-2. */
    @ParameterizedTest
    @ValueSource(strings = {"en", "es", "fr", "de", "pt"})
    void latinScriptSmsIsOneGsm7Segment(String locale) {
        String sms = templates.render(message("sms", locale, "1234567890")).text()
                .replace("@otp.test.example", "@accounts.example-company.com");
        assertThat(Gsm7.fits(sms)).as("GSM-7 only: %s", sms).isTrue();
        assertThat(Gsm7.septets(sms)).isLessThanOrEqualTo(160);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hi"})
    void hindiSmsWithoutWebOtpIsOneUcs2Segment(String locale) {
        String sms = templates.render(message("sms", locale, "1234567890")).text();
        String body = sms.substring(0, sms.indexOf("\n\n@"));
        assertThat(Gsm7.fits(body)).isFalse();
        assertThat(Gsm7.oneSegment(body)).as("%d UTF-16 units", body.length()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"@£$¥èéùìòÇØøÅå", "ÄÖÑÜ§¿äöñüà"})
    void gsm7KnowsItsAlphabet(String text) {
        assertThat(Gsm7.septets(text)).isEqualTo(text.length());
        assertThat(Gsm7.septets("€[]")).isEqualTo(6); // the extension table takes two septets each
        assertThat(Gsm7.fits("código")).isFalse(); // ó is not GSM-7
        assertThat(Gsm7.oneSegment("a".repeat(160))).isTrue();
        assertThat(Gsm7.oneSegment("a".repeat(161))).isFalse();
        assertThat(Gsm7.oneSegment("ó".repeat(70))).isTrue();
        assertThat(Gsm7.oneSegment("ó".repeat(71))).isFalse();
    }

    private static Message message(String channel, String locale, String code) {
        return new Message("VE0000", "VE0000.1", io.otpservice.recipient.Channel.fromWire(channel).orElseThrow(), "x", "x", code, locale, "default", Duration.ofMinutes(10));
    }
}
