package io.otpservice.store;

import io.otpservice.support.ApiTest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lua/Java contract holds: the F table of lib.lua names every field of {@link Fields} the same
 * way, and the K helpers build the same key names as {@link Keys} (asked of a real Redis).
 */
@QuarkusTest
class FieldsContractTest extends ApiTest {


    @Test
    void theFieldTableOfLibLuaIsTheFieldsClass() throws Exception {
        Map<String, String> java = new HashMap<>();
        for (Field f : Fields.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                java.put(f.getName().toLowerCase(Locale.ROOT), (String) f.get(null));
            }
        }
        String lib = read("lua/lib.lua");
        Matcher table = Pattern.compile("local F = \\{(.*?)\\n}", Pattern.DOTALL).matcher(lib);
        assertThat(table.find()).isTrue();
        Map<String, String> lua = new HashMap<>();
        Matcher entry = Pattern.compile("([a-z_]+) = '([a-z0-9]+)'").matcher(table.group(1));
        while (entry.find()) {
            lua.put(entry.group(1), entry.group(2));
        }
        assertThat(java).hasSize(35);
        assertThat(lua).isEqualTo(java);
        assertThat(java.values()).doesNotHaveDuplicates();
    }

    @Test
    void everyFieldAScriptNamesComesFromTheTable() throws Exception {
        for (String script : List.of("approve", "cancel", "check", "create", "delivery", "resend", "unsend", "guard",
                "approval", "unblock", "blockinfo")) {
            String source = read("lua/" + script + ".lua");
            Matcher literal = Pattern.compile("'(st|rc|mk|ch|pu|lo|rh|ss|t|cl|co|h1|h0|hp|np|ca|ea|nr|ua|sa|cd|at|ma|sn|ms|ds|dp|da|de|px|ba|bu)'")
                    .matcher(source);
            assertThat(literal.find()).as(script + ".lua names a field by its literal name").isFalse();
        }
    }

    @Test
    void theKeyHelpersOfLibLuaBuildTheKeysOfKeysJava() throws Exception {
        String rh = "abcd0123456789abcdef0123456789ab";
        VerificationId id = VerificationId.of(Keys.tag(rh), "0123456789abcdef0123456789ab");
        String prefix = Keys.slotPrefix(Keys.tag(rh));
        String probe = read("lua/lib.lua") + """
                local p = K.prefix(KEYS[1])
                return {p, K.verification(p, ARGV[1]), K.live_pointer(p, ARGV[2], 'login'),
                  K.recipient_sends(p, ARGV[2]), K.recipient_failures(p, ARGV[2])}
                """;
        List<String> lua = new ArrayList<>();
        redis.execute("EVAL", probe, "1", Keys.livePointer(rh, "login"), id.value(), rh)
                .forEach(r -> lua.add(r.toString()));
        assertThat(lua).containsExactly(prefix, Keys.verification(id), Keys.livePointer(rh, "login"),
                Keys.recipientSends(rh), Keys.recipientFailures(rh));
    }

    @Test
    void theKeyHelpersOfAPrefixGuardBuildTheKeysOfKeysJava() throws Exception {
        String numberPrefix = "+44770";
        String probe = read("lua/lib.lua") + """
                local p = K.prefix(KEYS[1])
                return {p, K.prefix_sends(p), K.prefix_approvals(p), K.prefix_block(p)}
                """;
        List<String> lua = new ArrayList<>();
        redis.execute("EVAL", probe, "1", Keys.prefixBlock(numberPrefix)).forEach(r -> lua.add(r.toString()));
        assertThat(lua).containsExactly(Keys.prefixSlot(numberPrefix), Keys.prefixSends(numberPrefix),
                Keys.prefixApprovals(numberPrefix), Keys.prefixBlock(numberPrefix));
        assertThat(Keys.prefixSlot(numberPrefix)).isEqualTo("otp:{p44770}:");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = FieldsContractTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
