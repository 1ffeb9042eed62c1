package io.otpservice.delivery.receipt;

import java.util.function.UnaryOperator;

/**
 * A receipt as it arrived: the body, a header lookup (null when the header is absent, "" when it is
 * empty or given more than once, which no signature check accepts), the request URL without its
 * query, and the raw query string (null when none). toString leaves the body out: it may hold a
 * phone number.
 */
public record IncomingReceipt(String contentType, String body, UnaryOperator<String> header, String requestUrl,
                              String rawQuery) {

    /** A receipt from the wire; a body that is not UTF-8 is unreadable, never decoded with replacements. */
    public static IncomingReceipt of(String contentType, byte[] body, UnaryOperator<String> header, String requestUrl,
                                     String rawQuery) {
        return new IncomingReceipt(contentType, ReceiptParsing.utf8(body == null ? new byte[0] : body), header,
                requestUrl, rawQuery);
    }

    @Override
    public String toString() {
        return "IncomingReceipt[" + requestUrl + "]";
    }
}
