package io.otpservice.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otpservice.config.OtpConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.Request;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs Lua scripts by SHA on the master that holds their keys (see {@link RedisTopology}). A server
 * that does not know a script (new, restarted, flushed, a replica just promoted) answers NOSCRIPT; the
 * script is then sent once whole with EVAL, which caches it there. Every call, the EVAL included, is
 * bounded by {@code otp.redis.timeout}; failures become {@link StoreUnavailableException} (503) and are
 * logged once per node, cause and period by {@link RedisFailures}.
 *
 * <p>A state change that ends a verification names its ending answers: when the master has a healthy
 * replica, the script and {@code WAIT 1 <otp.redis.replica-ack-timeout>} go on one connection in one
 * round trip, and an ending answer no replica acknowledged becomes a 503, because a failover could
 * still take it back.
 */
@Singleton
@Startup // the topology (a cluster's slot map) is read before the first request, not by it
public class ScriptRunner {

    private final RedisTopology topology;
    private final Vertx vertx;
    private final Duration timeout;
    private final Duration replicaAckTimeout;
    private final MeterRegistry meters;
    private final RedisFailures failures;
    private final long flushTimer;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ScriptRunner(RedisTopology topology, Vertx vertx, OtpConfig config, MeterRegistry meters) {
        this.topology = topology;
        this.vertx = vertx;
        this.timeout = config.redis().timeout();
        this.replicaAckTimeout = config.redis().replicaAckTimeout();
        this.meters = meters;
        this.failures = new RedisFailures(meters);
        this.flushTimer = vertx.setPeriodic(RedisFailures.PERIOD.toMillis(), id -> failures.flush());
    }

    public Uni<Response> run(String name, List<String> keys, List<String> args) {
        return run(name, keys, args, null);
    }

    /**
     * Runs a script; {@code ending} tells which of its answers end a verification (approved, failed,
     * canceled): those are acknowledged by a replica before they are returned, when the master has one.
     * Every key of a script shares one hash slot, so {@code keys.get(0)} routes it.
     */
    public Uni<Response> run(String name, List<String> keys, List<String> args, Predicate<Response> ending) {
        Script script = scripts.computeIfAbsent(name, Script::load);
        String key = keys.getFirst();
        return call(key, timer(name), () -> {
            boolean confirm = ending != null && topology.hasReplica(key);
            return attempt(script, false, key, keys, args, confirm, ending).recover(failure -> {
                if (!isNoScript(failure)) {
                    return Future.failedFuture(failure);
                }
                counter("otp.redis.script.loads", "Scripts sent whole after NOSCRIPT (a node without them)",
                        "script", name).increment();
                return attempt(script, true, key, keys, args, confirm, ending);
            });
        });
    }

    /** A plain command (reads, idempotency records); its first argument is the key, which routes it. */
    public Uni<Response> command(Command command, String... args) {
        Request request = Request.cmd(command.getDelegate());
        for (String arg : args) {
            request.arg(arg);
        }
        String key = args[0];
        return call(key, null, () -> topology.send(key, request));
    }

    private Future<io.vertx.redis.client.Response> attempt(Script script, boolean whole, String key, List<String> keys,
                                                           List<String> args, boolean confirm, Predicate<Response> ending) {
        Request request = Request.cmd(whole ? io.vertx.redis.client.Command.EVAL : io.vertx.redis.client.Command.EVALSHA)
                .arg(whole ? script.source() : script.sha()).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        if (!confirm) {
            return topology.send(key, request).onSuccess(answer -> {
                if (ending != null && ending.test(Response.newInstance(answer))) {
                    replicaWait("no-replica");
                }
            });
        }
        // one connection, one round trip: WAIT covers exactly the writes this connection just made
        Request wait = Request.cmd(io.vertx.redis.client.Command.WAIT).arg(1).arg(replicaAckTimeout.toMillis());
        return topology.batch(key, List.of(request, wait)).compose(replies -> {
            io.vertx.redis.client.Response answer = replies.get(0);
            if (!ending.test(Response.newInstance(answer))) {
                return Future.succeededFuture(answer);
            }
            if (replies.get(1).toLong() >= 1) {
                replicaWait("acknowledged");
                return Future.succeededFuture(answer);
            }
            replicaWait("unacknowledged");
            return Future.failedFuture(new RedisFailures.ReplicaNotAcknowledged(replicaAckTimeout));
        });
    }

    /** Lazily started, bounded by the timeout, failures logged, counted and turned into 503. */
    private Uni<Response> call(String key, Timer timer, Supplier<Future<io.vertx.redis.client.Response>> call) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            // where it goes now: by the time it fails, the slot may have moved to another node
            String where = topology.where(key);
            Future<io.vertx.redis.client.Response> bounded = Deadline.within(vertx, call.get(), timeout)
                    .andThen(result -> {
                        if (timer != null) {
                            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        }
                        if (result.failed()) {
                            topology.failed(where, result.cause());
                            failures.failed(where, result.cause());
                        }
                    });
            return UniHelper.toUni(bounded);
        }).onItem().transform(Response::newInstance)
                .onFailure().transform(failure -> new StoreUnavailableException("Redis is unavailable", failure));
    }

    private static boolean isNoScript(Throwable failure) {
        return RedisFailures.text(failure).startsWith("NOSCRIPT");
    }

    private void replicaWait(String outcome) {
        counter("otp.redis.replica.waits", "Ending state changes by replica acknowledgement (WAIT)", "outcome", outcome)
                .increment();
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + "/" + value, n -> Counter.builder(name).description(description)
                .tag(tag, value).register(meters));
    }

    private Timer timer(String name) {
        return timers.computeIfAbsent(name, n -> Timer.builder("otp.redis.script")
                .description("Latency of one Lua script call in Redis")
                .tag("script", n)
                .publishPercentileHistogram()
                .register(meters));
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(flushTimer);
    }
}
