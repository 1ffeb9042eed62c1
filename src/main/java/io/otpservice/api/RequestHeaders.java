package io.otpservice.api;

import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * The request headers this API defines, all read one way: absent, or exactly one value. A header
 * given twice is malformed (two readers could take different ones), as is an empty one; each caller
 * refuses both like any other malformed value instead of treating them as absent.
 */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /** The only value of {@code name}; null when absent; "" when empty or given more than once. */
    public static String single(HttpServerRequest http, String name) {
        List<String> values = http.headers().getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.getFirst() : "";
    }

    /** True when every character is visible ASCII (0x21-0x7E): no space, no control, nothing else. */
    public static boolean visibleAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
