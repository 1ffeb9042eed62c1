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

    /** guard.lua: a send judged by its prefix's conversion guard on its own (Redis Cluster). */
    public sealed interface AdmitResult {
    }

    /** The send may go; it is counted for the prefix (and taken back if the create or resend does not send). */
    public record Admitted() implements AdmitResult {
    }

    /**
     * SMS to the prefix is paused until {@code retryIn}; nothing was stored or counted. {@code started}:
     * this request's judgement began the block, on {@code sends} sends and {@code approvals} approvals
     * in the window (both 0 when it was already blocked).
     */
    public record PrefixBlocked(Duration retryIn, boolean started, long sends, long approvals)
            implements SendRefusal, AdmitResult {
    }

    /** A create or send refused by a rule: the prefix guard, or a full window. */
    public sealed interface SendRefusal extends CreateResult, ResendResult permits PrefixBlocked, Limited {
    }

    /** approval.lua */
    public sealed interface ApprovalResult {
    }

    /** The approval is counted for its prefix. */
    public record ApprovalCounted() implements ApprovalResult {
    }

    /** The approval is counted, and lifted the prefix's block: its conversion is back over the minimum. */
    public record Recovered(String country, long sends, long approvals) implements ApprovalResult {
    }

    /** unblock.lua */
    public sealed interface UnblockResult {
    }

    /** An operator lifted the block; the prefix's window starts afresh. */
    public record Unblocked(String country) implements UnblockResult {
    }

    /**
     * Answers shared by several scripts. {@code NotFound}: unknown, expired, or no longer pending.
     * {@code Limited}: a window is full; {@code channel} and {@code purpose} are known only on a check.
     * {@code NotFound} of unblock.lua: the prefix is not blocked.
     */
    public record NotFound() implements ResendResult, CheckResult, CancelResult, ApproveResult, UnblockResult {
    }

    public record Limited(Limit limit, Duration retryIn, Channel channel, String purpose)
            implements SendRefusal, CheckResult {
    }
}
