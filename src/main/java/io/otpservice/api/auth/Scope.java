package io.otpservice.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The API-key scope a resource method requires. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Scope {

    String SEND = "verify:send";
    String CHECK = "verify:check";
    String READ = "verify:read";
    String CANCEL = "verify:cancel";
    /** Approves a verification without its code (Twilio's Status=approved on /v2); never implied by others. */
    String APPROVE = "verify:approve";
    /** Lets a key assert the end user's address in {@code clientIp}. */
    String CLIENT_IP = "client-ip";
    /** Lists and lifts the blocks of the abuse protection ({@code /v1/fraud/blocks}). */
    String FRAUD_ADMIN = "fraud:admin";

    String value();
}
