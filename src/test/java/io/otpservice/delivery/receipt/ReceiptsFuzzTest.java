package io.otpservice.delivery.receipt;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Delivery receipts as a stranger can send them, one input (the raw query, a newline, the body) to
 * each of the three readers: Twilio, Vonage and the webhook provider, each unsigned and signed as its
 * provider documents (see the *ReceiptsFuzzing classes for what each must satisfy). One target for
 * the three, because Jazzer fuzzes one target per JVM and each JVM costs start-up time in .ci/run.
 * Seeds: ReceiptsFuzzTestInputs/read.
 */
class ReceiptsFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        TwilioReceiptsFuzzing.read(data);
        VonageReceiptsFuzzing.read(data);
        WebhookReceiptsFuzzing.read(data);
    }
}
