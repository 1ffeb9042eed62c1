package io.otpservice.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otpservice.config.OtpConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Runs Lua scripts by SHA. A server that does not know a script (new, restarted, flushed, another
 * cluster node) answers NOSCRIPT; the script is then sent once whole with EVAL, which caches it there.
 * Every call is bounded by {@code otp.redis.timeout}; failures become {@link StoreUnavailableException}.
 */
@Singleton
public class ScriptRunner {

    private static final Logger LOG = Logger.getLogger(ScriptRunner.class);

    private final Redis redis;
    private final Duration timeout;
    private final MeterRegistry meters;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ScriptRunner(Redis redis, OtpConfig config, MeterRegistry meters) {
        this.redis = redis;
        this.timeout = config.redis().timeout();
        this.meters = meters;
    }

    public Uni<Response> run(String name, List<String> keys, List<String> args) {
        Script script = scripts.computeIfAbsent(name, Script::load);
        long start = System.nanoTime();
        return send(request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(ScriptRunner::isNoScript)
                .recoverWithUni(() -> send(request(Command.EVAL, script.source(), keys, args)))
                .onItemOrFailure().invoke((r, f) -> timer(name).record(System.nanoTime() - start,
                        java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** A plain command (reads, idempotency records), under the same timeout and error mapping. */
    public Uni<Response> command(Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        return send(request);
    }

    private Uni<Response> send(Request request) {
        return redis.send(request)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure(f -> !isNoScript(f)).transform(this::unavailable);
    }

    private static Request request(Command command, String first, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(first).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private Throwable unavailable(Throwable failure) {
        meters.counter("otp.redis.errors").increment();
        // the message of a Redis error names the command, never our arguments
        LOG.warnf("Redis unavailable: %s", failure.getClass().getSimpleName());
        return new StoreUnavailableException("Redis is unavailable", failure);
    }

    private Timer timer(String name) {
        return timers.computeIfAbsent(name, n -> Timer.builder("otp.redis.script")
                .description("Latency of one Lua script call in Redis")
                .tag("script", n)
                .publishPercentileHistogram()
                .register(meters));
    }
}
