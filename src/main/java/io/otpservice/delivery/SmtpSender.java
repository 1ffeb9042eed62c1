package io.otpservice.delivery;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.otpservice.config.OtpConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/** E-mail through the Quarkus reactive mailer (SMTP settings are the standard quarkus.mailer.*). */
@Singleton
public class SmtpSender implements Sender {

    private final ReactiveMailer mailer;
    private final String from;

    public SmtpSender(ReactiveMailer mailer, OtpConfig config) {
        this.mailer = mailer;
        this.from = config.email().from();
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public Uni<DeliveryReport> send(Message message) {
        String text = "Your verification code is " + message.code() + ".\n\nIf you did not ask for it, ignore this e-mail.";
        String html = "<p>Your verification code is <strong>" + message.code()
                + "</strong>.</p><p>If you did not ask for it, ignore this e-mail.</p>";
        Mail mail = Mail.withText(message.recipient(), "Your verification code", text).setHtml(html).setFrom(from);
        return mailer.send(mail).replaceWith(DeliveryReport.sent(name(), 1));
    }
}
