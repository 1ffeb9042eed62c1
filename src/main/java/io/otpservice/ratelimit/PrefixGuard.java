package io.otpservice.ratelimit;

import java.time.Duration;

/**
 * The prefix conversion guard's settings: a prefix with at least {@code minSends} sends in the
 * {@code window} whose approvals are fewer than {@code minConversion} of them is blocked for
 * {@code blockFor}.
 */
public record PrefixGuard(int prefixDigits, Duration window, int minSends, double minConversion, Duration blockFor) {

    /** Parts per million: the scripts compare approvals and sends in integers, never in floating point. */
    public long minConversionPpm() {
        return Math.round(minConversion * 1_000_000);
    }

    /** The form the Lua scripts read: {@code window ms:min sends:min conversion ppm:block ms}. */
    public String toScriptArg() {
        return window.toMillis() + ":" + minSends + ":" + minConversionPpm() + ":" + blockFor.toMillis();
    }
}
