package io.otpservice.delivery.receipt;

import java.util.function.UnaryOperator;

/**
 * A receipt as it arrived: the raw body, a header lookup, the request URL without its query, and the
 * raw query string (null when none). toString leaves the body out: it may hold a phone number.
 */
public record IncomingReceipt(String contentType, String body, UnaryOperator<String> header, String requestUrl,
                              String rawQuery) {

    @Override
    public String toString() {
        return "IncomingReceipt[" + requestUrl + "]";
    }
}
