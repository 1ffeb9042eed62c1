package io.otpservice.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua script from {@code src/main/resources/lua}, with the shared library prepended, and its SHA-1.
 * Each {@code F.name} of the script and the library is written as the field's literal name, and the
 * {@code F} table itself is left out (blank lines keep Redis' line numbers): the table cost a
 * script about 1 µs of Redis CPU to build at every call. A name that is not in the table fails here.
 */
public record Script(String name, String source, String sha) {

    private static final Pattern FIELD_TABLE = Pattern.compile("(?m)^local F = \\{\\n(.*?)\\n}\\n", Pattern.DOTALL);
    private static final Pattern FIELD_ENTRY = Pattern.compile("([a-z_]+) = '([a-z0-9]+)'");
    private static final Pattern FIELD_USE = Pattern.compile("\\bF\\.([a-z_]+)");

    public static Script load(String name) {
        String source = inlineFields(read("lua/lib.lua") + read("lua/" + name + ".lua"), name);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new Script(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String inlineFields(String source, String name) {
        Matcher table = FIELD_TABLE.matcher(source);
        if (!table.find()) {
            throw new IllegalStateException("lua/lib.lua has no field table");
        }
        Map<String, String> fields = new HashMap<>();
        Matcher entry = FIELD_ENTRY.matcher(table.group(1));
        while (entry.find()) {
            fields.put(entry.group(1), entry.group(2));
        }
        String blank = "\n".repeat((int) table.group().chars().filter(c -> c == '\n').count());
        String rest = source.substring(0, table.start()) + blank + source.substring(table.end());
        return FIELD_USE.matcher(rest).replaceAll(use -> {
            String field = fields.get(use.group(1));
            if (field == null) {
                throw new IllegalStateException(name + ".lua names an unknown field F." + use.group(1));
            }
            return "'" + field + "'";
        });
    }

    private static String read(String path) {
        try (InputStream in = Script.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
