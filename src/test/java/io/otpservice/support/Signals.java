package io.otpservice.support;

import java.io.IOException;
import java.io.UncheckedIOException;

/** kill -SIGNAL pid: KILL (a crash), STOP (a hung process: its sockets stay open), CONT. */
public final class Signals {

    private Signals() {
    }

    public static void send(String signal, long pid) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " exited " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
