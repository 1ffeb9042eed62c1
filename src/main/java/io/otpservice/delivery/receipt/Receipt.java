package io.otpservice.delivery.receipt;

import java.util.Optional;

/**
 * What a signed receipt says: the reference we gave the provider ({@code <id>.<send>}), the status
 * it reports (empty when it is not one we track), and an error that holds no secret.
 */
public record Receipt(String reference, Optional<Status> status, String error) {

    /** The statuses a receipt can move a send to. */
    public enum Status {
        SENT, DELIVERED, FAILED
    }
}
