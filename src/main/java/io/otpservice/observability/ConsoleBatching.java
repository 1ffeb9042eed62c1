package io.otpservice.observability;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.otpservice.config.OtpConfig;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;

/**
 * The console log written in batches: each console handler formats a line on the thread that logs it
 * and keeps it in its writer's buffer (8 KiB), and a thread of its own writes what is buffered every
 * {@code otp.log.flush-interval} (and when a buffer fills, and at shutdown). With a line per request,
 * the alternative cost each request a hand-over: Quarkus' async console handler woke its thread for
 * nearly every line (park and unpark: about 7 µs of CPU per request in async-profiler), and a
 * synchronous handler makes one write to stdout per line. Nothing is dropped; a process killed outright
 * loses at most the last interval of lines, as one killed with a full async queue would.
 */
@ApplicationScoped
public class ConsoleBatching {

    private final Duration interval;
    private final List<ConsoleHandler> handlers = new ArrayList<>();
    private ScheduledExecutorService flusher;

    ConsoleBatching(OtpConfig config) {
        this.interval = config.log().flushInterval();
    }

    // late: the log lines of the start-up itself are written as they come
    void start(@Observes @Priority(5000) StartupEvent event) {
        if (interval.isZero()) {
            return;
        }
        collect(LogContext.getLogContext().getLogger("").getHandlers());
        if (handlers.isEmpty()) {
            return;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "otp-console-flush");
            thread.setDaemon(true);
            return thread;
        });
        handlers.forEach(h -> h.setAutoFlush(false));
        long millis = Math.max(1, interval.toMillis());
        flusher.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void collect(Handler[] found) {
        for (Handler handler : found) {
            if (handler instanceof ConsoleHandler console) {
                handlers.add(console);
            } else if (handler instanceof ExtHandler nested) {
                collect(nested.getHandlers());
            }
        }
    }

    private void flush() {
        handlers.forEach(ConsoleHandler::flush);
    }

    void stop(@Observes ShutdownEvent event) {
        if (flusher != null) {
            flusher.shutdownNow();
            handlers.forEach(h -> h.setAutoFlush(true));
            flush();
        }
    }
}
