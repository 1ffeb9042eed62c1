package io.otpservice.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A copy of a failure for the log: each cause keeps its class name (as the message) and its stack
 * frames, and loses its own message, which may quote a request body, header or query.
 */
final class Scrubbed extends RuntimeException {

    private Scrubbed(Throwable original, Scrubbed cause) {
        super(original.getClass().getName(), cause, false, true);
        setStackTrace(original.getStackTrace());
    }

    static Scrubbed of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        Scrubbed copy = null;
        for (Throwable t : chain.reversed()) {
            copy = new Scrubbed(t, copy);
        }
        return copy;
    }
}
