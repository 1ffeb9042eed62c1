package io.otpservice.api;

/**
 * How an API other than /v1 words and logs the refusals {@link BodyLimit} makes before any resource
 * runs (body too large, request target or headers too long, bad framing). A bean; /v1 paths, and any
 * path no format covers, get the problem+json body and /v1's request log line.
 */
public interface RefusalFormat {

    /** Whether this API serves {@code path}. */
    boolean covers(String path);

    /** The Content-Type of {@link #body}. */
    String contentType();

    /** The refusal in this API's words. */
    String body(Problem problem);

    /** Writes the request's log line for the refusal ({@code outcome}: the problem code). */
    void logRefused(String method, String path, int status, String outcome);
}
