package io.otpservice.api.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict form reading: what twilio-java and twilio-node send passes, nothing malformed does. */
class TwilioFormTest {

    private static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";

    @Test
    void readsWhatTheSdksSend() {
        TwilioForm form = TwilioForm.parse(FORM, "Locale=pt-BR&Channel=sms&To=%2B15017122661&CustomFriendlyName=Caf%C3%A9+Z");
        assertThat(form.value("To")).isEqualTo("+15017122661");
        assertThat(form.value("Locale")).isEqualTo("pt-BR");
        assertThat(form.value("CustomFriendlyName")).isEqualTo("Café Z");
        assertThat(form.value("Code")).isNull();
        assertThat(TwilioForm.parse("application/x-www-form-urlencoded", "Status=canceled&").value("Status"))
                .isEqualTo("canceled");
        assertThat(TwilioForm.parse(null, "").has("Status")).isFalse();
        // a declared Latin-1 form (REST Assured's default) decodes its escapes as Latin-1
        assertThat(TwilioForm.parse("application/x-www-form-urlencoded; charset=ISO-8859-1", "Name=Caf%E9").value("Name"))
                .isEqualTo("Café");
        assertThat(TwilioForm.parse("application/json", null).has("Status")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"To=%zz", "To=%2", "To=%", "To=%ED%A0%80", "To=%C0%AE", "To=%FF", "To=\u00e9", "To=a b",
            "To=a\tb", "To=1&To=2", "=x", "To=%٢F"})
    void refusesAnythingMalformed(String body) {
        assertThatThrownBy(() -> TwilioForm.parse(FORM, body)).isInstanceOfSatisfying(TwilioException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(60200);
            assertThat(e.getMessage()).doesNotContain("%").doesNotContain("zz");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded; charset=UTF-16"})
    void refusesOtherMediaTypes(String type) {
        assertThatThrownBy(() -> TwilioForm.parse(type, "To=a")).isInstanceOfSatisfying(TwilioException.class,
                e -> assertThat(e.getMessage()).isEqualTo("Invalid parameter: Content-Type"));
    }
}
