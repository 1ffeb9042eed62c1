package io.otpservice.delivery;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.ext.mail.SMTPException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;

/** Sorts what a provider call threw into transient or permanent, with a reason that holds no secret. */
final class Failures {

    private Failures() {
    }

    static DeliveryException classify(String provider, Throwable failure) {
        if (failure instanceof DeliveryException known) {
            return known;
        }
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            return byStatus(provider, web.getResponse().getStatus());
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String reason = provider + ": SMTP reply " + smtp.getReplyCode();
                return smtp.isPermanent() ? new DeliveryException.Permanent(reason) : new DeliveryException.Transient(reason);
            }
            if (t instanceof IOException || t instanceof VertxException || t instanceof ProcessingException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new DeliveryException.Transient(provider + ": connection failed (" + t.getClass().getSimpleName() + ")");
            }
        }
        return new DeliveryException.Permanent(provider + ": " + failure.getClass().getSimpleName());
    }

    /**
     * The provider did not take the message, for sure: it answered (an HTTP status, an SMTP reply), or
     * the call failed before the message could leave (connection refused, unknown host, no route, TLS
     * handshake). A timeout, or a connection lost once the request was written, is no such failure.
     * For a provider's own call ({@link Outgoing#call}); its answers are judged there.
     */
    static boolean neverLeft(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPException || t instanceof NoStackTraceThrowable && beforeMail(t.getMessage())
                    || t instanceof WebApplicationException web && web.getResponse() != null
                    || t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The mail client's own refusals before a message is handed over (no STARTTLS where it is required,
     * no credentials or no AUTH method in common), as opposed to a connection closed or timed out.
     */
    private static boolean beforeMail(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return !m.contains("closed") && !m.contains("reset") && !m.contains("timeout") && !m.contains("timed out")
                && (m.contains("starttls") || m.contains("login") || m.contains("auth") || m.contains("credentials"));
    }

    /** Throws for an answer that is not a 2xx (the REST client already throws for 4xx and 5xx; this catches 3xx). */
    static void requireSuccess(String provider, int status) {
        if (status < 200 || status >= 300) {
            throw byStatus(provider, status);
        }
    }

    /** 5xx and 429 are worth another try; any other 4xx is the provider refusing this message. */
    static DeliveryException byStatus(String provider, int status) {
        String reason = provider + ": HTTP " + status;
        return status >= 500 || status == 429 ? new DeliveryException.Transient(reason)
                : new DeliveryException.Permanent(reason);
    }

    /** The reason to record for a provider that did not take the message. */
    static String describe(String provider, Throwable failure) {
        if (failure instanceof DeliveryException known) {
            return known.getMessage();
        }
        if (failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
            return provider + ": timed out";
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return provider + ": circuit open";
        }
        return classify(provider, failure).getMessage();
    }
}
