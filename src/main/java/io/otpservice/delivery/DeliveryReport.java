package io.otpservice.delivery;

/** A delivery a provider accepted: who took it, after how many calls, and why earlier ones failed. */
public record DeliveryReport(String provider, int attempts, String lastError) {
}
