package io.otpservice.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** A Vert.x future bounded in time by a timer of the event loop, not by another thread. */
final class Deadline {

    private Deadline() {
    }

    /** Fails with a {@link TimeoutException} after {@code limit}; the late answer, if any, is dropped. */
    static <T> Future<T> within(Vertx vertx, Future<T> future, Duration limit) {
        if (future.isComplete()) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, limit.toMillis()), id -> promise.tryFail(
                new TimeoutException("no answer within " + limit.toMillis() + " ms")));
        future.onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                promise.tryComplete(result.result());
            } else {
                promise.tryFail(result.cause());
            }
        });
        return promise.future();
    }
}
