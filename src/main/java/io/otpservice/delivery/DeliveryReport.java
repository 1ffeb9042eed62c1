package io.otpservice.delivery;

/** How a delivery went: status queued, sent, delivered or failed; lastError never holds a secret. */
public record DeliveryReport(String status, String provider, int attempts, String lastError) {

    public static DeliveryReport sent(String provider, int attempts) {
        return new DeliveryReport("sent", provider, attempts, null);
    }
}
