package io.otpservice.delivery.receipt;

import java.util.Optional;

/** Where providers send delivery receipts: {@code POST /v1/delivery-callbacks/{provider}}. */
public final class Callbacks {

    /** The path every receipt comes to, under the service's public URL. */
    public static final String PATH = "/v1/delivery-callbacks";

    private Callbacks() {
    }

    /** The absolute callback URL of a provider, when {@code otp.public-url} is set. */
    public static Optional<String> url(Optional<String> publicUrl, String provider) {
        return publicUrl.map(base -> base + PATH + "/" + provider);
    }
}
