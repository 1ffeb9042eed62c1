package io.otpservice.verification;

/** A validated check: the code as typed and the session, which may be null. toString hides both. */
public record CheckCommand(String code, String session) {

    @Override
    public String toString() {
        return "CheckCommand[…]";
    }
}
