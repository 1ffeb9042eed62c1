package io.otpservice.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Redis runs: each script with the library, its field names written out, its lines where they were. */
class ScriptTest {

    private static final List<String> SCRIPTS = List.of("approval", "approve", "blockinfo", "cancel", "check",
            "create", "delivery", "guard", "idempotency", "limit", "resend", "unblock", "unsend");

    @Test
    void everyScriptNamesItsFieldsLiterallyWithoutTheTable() throws IOException {
        for (String name : SCRIPTS) {
            String written = read("lua/lib.lua") + read("lua/" + name + ".lua");
            String source = Script.load(name).source();
            assertThat(source).as(name).doesNotContain("F.").doesNotContain("local F = {");
            // Redis reports errors by line: the lines stay where they are in the files
            assertThat(source.lines().count()).as(name).isEqualTo(written.lines().count());
        }
        assertThat(Script.load("check").source())
                .contains("redis.call('HMGET', KEYS[1], 'st', 'ea', 'at', 'ma', 'h1',");
    }

    @Test
    void aFieldMissingFromTheTableFailsAtLoad() throws IOException {
        String lib = read("lua/lib.lua");
        assertThatThrownBy(() -> Script.inlineFields(lib + "return redis.call('HGET', KEYS[1], F.stauts)", "probe"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("probe.lua names an unknown field F.stauts");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = ScriptTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
