package io.otpservice.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowTest {

    @Test
    void parsesAListOfWindows() {
        assertThat(Window.parseList("5/15m, 20/24h")).containsExactly(
                new Window(5, Duration.ofMinutes(15)), new Window(20, Duration.ofHours(24)));
        assertThat(Window.toScriptArg(Window.parseList("30/1h,2/500ms"))).isEqualTo("30:3600000,2:500");
    }

    @Test
    void rejectsMalformedWindows() {
        for (String bad : List.of("5", "5/15", "0/1m", "5/0m", "5/15y", "a/1m")) {
            assertThatThrownBy(() -> Window.parseList(bad)).as(bad).isInstanceOf(RuntimeException.class);
        }
    }

    /** A window the scripts' milliseconds cannot hold is refused as configuration, not met at the first create. */
    @Test
    void rejectsWindowsLongerThanAYear() {
        assertThat(Window.parseList("5/366d")).containsExactly(new Window(5, Duration.ofDays(366)));
        for (String bad : List.of("5/367d", "5/9999999999999d", "5/9223372036854775807s", "5/99999999999999999999m")) {
            assertThatThrownBy(() -> Window.parseList(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
