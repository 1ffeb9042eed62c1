package io.otpservice.store;

import io.otpservice.ratelimit.Guards;
import io.otpservice.ratelimit.Limit;
import io.otpservice.ratelimit.Limits;
import io.otpservice.ratelimit.PrefixGuard;
import io.otpservice.ratelimit.Window;
import io.otpservice.store.ScriptResults.*;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The abuse-protection rules in Redis, where they need a call of their own: each number prefix's
 * conversion guard and each country's send log live in a slot of their own. On a single Redis the
 * create and resend scripts run the same rules inside their own call ({@link VerificationStore}).
 */
@Singleton
public class FraudStore {

    /** An active block, as operators see it: the sends and approvals are those in the window now. */
    public record Block(String prefix, String country, Instant since, Instant until, long sends, long approvals) {
    }

    private final ScriptRunner scripts;
    private final Limits limits;

    public FraudStore(ScriptRunner scripts, Limits limits) {
        this.scripts = scripts;
        this.limits = limits;
    }

    /**
     * Redis Cluster: judges the send {@code member} by the prefix guard, then by the country's send
     * budget, counting it in each that lets it go; a refusal takes back what was counted. Empty when
     * the send may go: the caller takes it back ({@link #takeBack}) if it is then not written after all.
     */
    Uni<Optional<SendRefusal>> admitSends(Guards guards, String member) {
        List<Window> country = limits.countrySends(guards.country());
        return admitPrefix(guards, member).chain(prefix -> switch (prefix) {
            case PrefixBlocked blocked -> Uni.createFrom().item(Optional.<SendRefusal>of(blocked));
            case Admitted admitted -> country.isEmpty() ? Uni.createFrom().item(Optional.<SendRefusal>empty())
                    : scripts.run("limit", List.of(Keys.countrySends(guards.country())),
                            List.of(Window.toScriptArg(country), member)).chain(wait -> wait.toLong() == 0
                            ? Uni.createFrom().item(Optional.<SendRefusal>empty())
                            : takeBackPrefix(guards, member).replaceWith(Optional.<SendRefusal>of(new Limited(
                                    Limit.COUNTRY_SENDS, Duration.ofMillis(wait.toLong()), null, null))));
        });
    }

    /** guard.lua: the prefix guard alone; a send it admits is counted. */
    Uni<AdmitResult> admitPrefix(Guards guards, String member) {
        Optional<PrefixGuard> guard = limits.prefixGuard();
        if (guards.prefix() == null || guard.isEmpty()) {
            return Uni.createFrom().item(new Admitted());
        }
        return scripts.run("guard", List.of(Keys.prefixBlock(guards.prefix())), List.of(guard.get().toScriptArg(),
                        guards.prefix(), guards.country() == null ? "" : guards.country(), member))
                .map(r -> switch (r.get(0).toString()) {
                    case "admitted" -> new Admitted();
                    case "prefix-blocked" -> VerificationStore.prefixBlocked(r);
                    default -> throw VerificationStore.unknown("guard", r);
                });
    }

    /**
     * Takes back a send the prefix and country counted (an admitted send that was then not written,
     * or one no provider took): it never happened for them.
     */
    public Uni<Void> takeBack(Guards guards, String member) {
        Uni<Void> prefix = takeBackPrefix(guards, member);
        if (limits.countrySends(guards.country()).isEmpty()) {
            return prefix;
        }
        return prefix.chain(() -> scripts.command(Command.ZREM, Keys.countrySends(guards.country()), member))
                .replaceWithVoid();
    }

    private Uni<Void> takeBackPrefix(Guards guards, String member) {
        if (guards.prefix() == null || limits.prefixGuard().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return scripts.command(Command.ZREM, Keys.prefixSends(guards.prefix()), member).replaceWithVoid();
    }

    /** Counts the approval of verification {@code id}, whose sends {@code prefix} counted. */
    public Uni<ApprovalResult> approved(String prefix, VerificationId id) {
        Optional<PrefixGuard> guard = limits.prefixGuard();
        if (guard.isEmpty()) {
            return Uni.createFrom().item(new ApprovalCounted());
        }
        return scripts.run("approval", List.of(Keys.prefixBlock(prefix)), List.of(guard.get().toScriptArg(), id.value()))
                .map(r -> switch (r.get(0).toString()) {
                    case "counted" -> new ApprovalCounted();
                    case "recovered" -> new Recovered(r.get(1).toString(), r.get(2).toLong(), r.get(3).toLong());
                    default -> throw VerificationStore.unknown("approval", r);
                });
    }

    /** Lifts a prefix's block; its window starts afresh. */
    public Uni<UnblockResult> unblock(String prefix) {
        return scripts.run("unblock", List.of(Keys.prefixBlock(prefix)), List.of())
                .map(r -> switch (r.get(0).toString()) {
                    case "unblocked" -> (UnblockResult) new Unblocked(r.get(1).toString());
                    case "not-found" -> new NotFound();
                    default -> throw VerificationStore.unknown("unblock", r);
                })
                .call(result -> scripts.command(Command.ZREM, Keys.fraudBlocks(), prefix));
    }

    /** Adds a block that just started to the index the operators' list reads. */
    public Uni<Void> indexBlock(String prefix, Instant until) {
        return scripts.command(Command.ZADD, Keys.fraudBlocks(), Long.toString(until.toEpochMilli()), prefix)
                .replaceWithVoid();
    }

    /** The active blocks, soonest to end first; the index forgets those that ended. */
    public Uni<List<Block>> blocks() {
        Duration window = limits.prefixGuard().map(PrefixGuard::window).orElse(Duration.ofHours(1));
        return scripts.command(Command.ZREMRANGEBYSCORE, Keys.fraudBlocks(), "-inf",
                        "(" + Instant.now().toEpochMilli())
                .chain(() -> scripts.command(Command.ZRANGE, Keys.fraudBlocks(), "0", "-1"))
                .chain(indexed -> {
                    List<String> prefixes = new ArrayList<>();
                    indexed.forEach(p -> prefixes.add(p.toString()));
                    if (prefixes.isEmpty()) {
                        return Uni.createFrom().item(List.<Block>of());
                    }
                    List<Uni<Optional<Block>>> reads = prefixes.stream().map(p -> block(p, window)).toList();
                    return Uni.join().all(reads).andFailFast().chain(found -> {
                        List<Block> blocks = new ArrayList<>();
                        List<String> ended = new ArrayList<>();
                        for (int i = 0; i < found.size(); i++) {
                            if (found.get(i).isPresent()) {
                                blocks.add(found.get(i).get());
                            } else {
                                ended.add(prefixes.get(i));
                            }
                        }
                        blocks.sort(Comparator.comparing(Block::until));
                        if (ended.isEmpty()) {
                            return Uni.createFrom().item(List.copyOf(blocks));
                        }
                        String[] args = new String[ended.size() + 1];
                        args[0] = Keys.fraudBlocks();
                        for (int i = 0; i < ended.size(); i++) {
                            args[i + 1] = ended.get(i);
                        }
                        return scripts.command(Command.ZREM, args).replaceWith(List.copyOf(blocks));
                    });
                });
    }

    private Uni<Optional<Block>> block(String prefix, Duration window) {
        return scripts.run("blockinfo", List.of(Keys.prefixBlock(prefix)), List.of(Long.toString(window.toMillis())))
                .map(r -> r == null || r.size() == 0 ? Optional.<Block>empty() : Optional.of(new Block(
                        r.get(0).toString(), r.get(1).toString(), Instant.ofEpochMilli(r.get(2).toLong()),
                        Instant.ofEpochMilli(r.get(3).toLong()), r.get(4).toLong(), r.get(5).toLong())));
    }
}
