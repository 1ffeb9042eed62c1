package io.otpservice.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A rate-limit window: at most {@code limit} events in any {@code length} (at most a year). */
public record Window(int limit, Duration length) {

    /** Redis keeps a window's log this long; a longer one would also overflow the scripts' milliseconds. */
    static final Duration LONGEST = Duration.ofDays(366);

    public Window {
        if (limit < 1) {
            throw new IllegalArgumentException("a window allows at least 1 event");
        }
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a window lasts longer than 0");
        }
        if (length.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a window lasts at most 366d");
        }
    }

    /** Parses {@code 5/15m,20/24h}; units ms, s, m, h, d. */
    public static List<Window> parseList(String spec) {
        List<Window> windows = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] halves = part.trim().split("/");
            if (halves.length != 2) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not count/duration");
            }
            windows.add(new Window(Integer.parseInt(halves[0].trim()), parseDuration(halves[1].trim())));
        }
        return List.copyOf(windows);
    }

    static Duration parseDuration(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        long amount = Long.parseLong(t.substring(0, split));
        try {
            return switch (t.substring(split)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit in '" + text + "'");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long", e);
        }
    }

    /** The form the Lua scripts read: {@code limit:millis,limit:millis}. */
    public static String toScriptArg(List<Window> windows) {
        StringBuilder sb = new StringBuilder();
        for (Window w : windows) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(w.limit()).append(':').append(w.length().toMillis());
        }
        return sb.toString();
    }
}
