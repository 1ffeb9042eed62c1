package io.otpservice.verification;

import io.otpservice.config.Policy;
import io.otpservice.recipient.Recipient;

/**
 * A validated create, everything normalised. {@code session} may be null; {@code clientAddress} is
 * the address the per-client limit counts, {@code clientAddressStated} whether the request named it (else
 * it is the caller's own address, which differs between a backend's instances); {@code caller} names the
 * API key.
 */
public record CreateCommand(Recipient recipient, Policy policy, String locale, String session, String clientAddress,
                            boolean clientAddressStated, String caller) {

    @Override
    public String toString() {
        return "CreateCommand[" + recipient.masked() + ", " + policy.name() + "]";
    }
}
