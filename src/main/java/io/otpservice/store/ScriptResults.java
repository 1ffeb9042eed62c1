package io.otpservice.store;

import io.otpservice.ratelimit.Limit;
import io.otpservice.recipient.Channel;

import java.time.Duration;

/** What each state-changing script answers, one sealed type per script: callers switch exhaustively. */
public final class ScriptResults {

    private ScriptResults() {
    }

    /** create.lua */
    public sealed interface CreateResult {
    }

    /** A new verification, written as sent; the caller delivers its code. */
    public record Created(StoredVerification verification) implements CreateResult {
    }

    /** The live verification of the same recipient, purpose and session; nothing was sent. */
    public record Existing(StoredVerification verification) implements CreateResult {
    }

    /** The live verification of the same session, whose cooldown is over: resend it. */
    public record ResendExisting(VerificationId id) implements CreateResult {
    }

    /** resend.lua */
    public sealed interface ResendResult {
    }

    public record Resent(StoredVerification verification) implements ResendResult {
    }

    /** The new code equals one still valid: draw another. */
    public record SameCode() implements ResendResult {
    }

    public record ResendTooSoon(Duration retryIn) implements ResendResult {
    }

    /** check.lua */
    public sealed interface CheckResult {
    }

    public record Approved(StoredVerification verification) implements CheckResult {
    }

    /** A wrong code or session; the attempt was counted. */
    public record Incorrect(int attemptsRemaining, Channel channel, String purpose) implements CheckResult {
    }

    /** The verification has failed: no attempts remain. */
    public record TooManyAttempts(Duration retryIn, Channel channel, String purpose) implements CheckResult {
    }

    /** cancel.lua */
    public sealed interface CancelResult {
    }

    public record Canceled() implements CancelResult {
    }

    /** approve.lua: approved without a code; what the metrics need. */
    public sealed interface ApproveResult {
    }

    public record ApprovedByKey(Channel channel, String purpose) implements ApproveResult {
    }

    /**
     * Answers shared by several scripts. {@code NotFound}: unknown, expired, or no longer pending.
     * {@code Limited}: a window is full; {@code channel} and {@code purpose} are known only on a check.
     */
    public record NotFound() implements ResendResult, CheckResult, CancelResult, ApproveResult {
    }

    public record Limited(Limit limit, Duration retryIn, Channel channel, String purpose)
            implements CreateResult, ResendResult, CheckResult {
    }
}
