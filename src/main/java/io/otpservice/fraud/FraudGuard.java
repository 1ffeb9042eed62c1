package io.otpservice.fraud;

import io.otpservice.observability.Metrics;
import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limits;
import io.otpservice.ratelimit.PrefixGuard;
import io.otpservice.store.FraudStore;
import io.otpservice.store.ScriptResults.ApprovalCounted;
import io.otpservice.store.ScriptResults.NotFound;
import io.otpservice.store.ScriptResults.PrefixBlocked;
import io.otpservice.store.ScriptResults.Recovered;
import io.otpservice.store.ScriptResults.Unblocked;
import io.otpservice.store.StoredVerification;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the lifecycle and the operators do with the prefix blocks: a block that starts is logged,
 * counted and listed; an approval is counted for its prefix the moment it happens (and may end a
 * block); a send no provider took is taken back; operators list and lift blocks. Logs and metrics
 * name a prefix's country, never a number; the prefix itself is in the log line of its block only.
 */
@Singleton
public class FraudGuard {

    private static final Logger LOG = Logger.getLogger("otp.fraud");
    /** The reason a conversion-guard block starts. */
    public static final String LOW_CONVERSION = "low-conversion";
    /** A blocked number type, as the reason of a refused send. */
    public static final String NUMBER_TYPE = "number-type";

    private final FraudStore store;
    private final FraudRules rules;
    private final Metrics metrics;
    private final Duration window;

    public FraudGuard(FraudStore store, FraudRules rules, Limits limits, Metrics metrics) {
        this.store = store;
        this.rules = rules;
        this.metrics = metrics;
        this.window = limits.prefixGuard().map(PrefixGuard::window).orElse(Duration.ZERO);
    }

    /** A create or send an abuse rule refused; {@code reason} is the rule: a limit's name or number-type. */
    public void refused(String country, String reason) {
        metrics.fraudRefused(country, reason);
    }

    /** A send the prefix guard refused; when its judgement started the block, the block is announced. */
    public Uni<Void> blocked(Guards guards, PrefixBlocked blocked) {
        if (!blocked.started()) {
            return Uni.createFrom().voidItem();
        }
        Instant until = Instant.now().plus(blocked.retryIn());
        LOG.warnf("prefix %s (%s) blocked for %s: %d sends and %d approvals in the last %s", guards.prefix(),
                guards.country(), human(blocked.retryIn()), blocked.sends(), blocked.approvals(), human(window));
        metrics.fraudBlock(guards.country(), LOW_CONVERSION);
        // the block itself is in force already; the index only feeds the operators' list
        return store.indexBlock(guards.prefix(), until).onFailure().recoverWithItem(f -> {
            LOG.warnf("prefix %s: its block is not in the list of blocks (%s)", guards.prefix(), f.getClass().getSimpleName());
            return null;
        });
    }

    /**
     * Counts the approval of {@code v} for the prefix that counted its sends. The check has approved
     * already: a failure here is logged, never the caller's.
     */
    public Uni<Void> approved(StoredVerification v) {
        if (v.prefix() == null) {
            return Uni.createFrom().voidItem();
        }
        return store.approved(v.prefix(), v.id()).map(result -> switch (result) {
            case ApprovalCounted counted -> null;
            case Recovered recovered -> {
                LOG.infof("prefix %s (%s) unblocked: its conversion recovered, %d approvals of %d sends in the last %s",
                        v.prefix(), recovered.country(), recovered.approvals(), recovered.sends(), human(window));
                metrics.fraudUnblock(recovered.country(), "recovered");
                yield null;
            }
        }).replaceWithVoid().onFailure().recoverWithItem(f -> {
            LOG.warnf("an approval was not counted for prefix %s (%s)", v.prefix(), f.getClass().getSimpleName());
            return null;
        });
    }

    /** Takes back send {@code v.sends()} of {@code v} to {@code recipient}, which no provider took. */
    public Uni<Void> takeBack(StoredVerification v, String recipient) {
        return store.takeBack(rules.forResend(v, recipient), sendMember(v));
    }

    /**
     * Takes the first send of {@code v}, which may have arrived but whose verification was canceled, out
     * of its prefix's conversion guard only (the country's budget keeps it): a verification that can never
     * be approved would read as a send nobody entered, and a slow provider would then block the prefixes
     * of everyone it was slow for.
     */
    public Uni<Void> takeBackFromConversion(StoredVerification v, String recipient) {
        Guards guards = rules.forResend(v, recipient);
        return store.takeBack(new Guards(guards.prefix(), null, null), sendMember(v));
    }

    /** How the send windows name the current send of {@code v}. */
    private static String sendMember(StoredVerification v) {
        return v.id().value() + ":" + v.sends();
    }

    /** The active blocks. */
    public Uni<List<FraudStore.Block>> blocks() {
        return store.blocks();
    }

    /** Lifts the block of {@code prefix} ({@code +} and digits); false when it is not blocked. */
    public Uni<Boolean> lift(String prefix, String by) {
        return store.unblock(prefix).map(result -> switch (result) {
            case Unblocked unblocked -> {
                LOG.warnf("prefix %s (%s) unblocked by API key %s; its window starts afresh", prefix,
                        unblocked.country(), by);
                metrics.fraudUnblock(unblocked.country(), "lifted");
                yield true;
            }
            case NotFound missing -> false;
        });
    }

    /** 1h, 90m, 45s: the units of the configuration. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
