package io.otpservice.verification;

import io.otpservice.config.Policy;

/** A validated create: everything normalised. {@code session} may be null. */
record CreateCommand(Recipient recipient, Policy policy, String locale, String session, String clientAddress) {

    @Override
    public String toString() {
        return "CreateCommand[" + recipient.masked() + ", " + policy.name() + "]";
    }
}
