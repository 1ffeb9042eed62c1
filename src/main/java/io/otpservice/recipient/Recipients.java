package io.otpservice.recipient;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.regex.Pattern;

/** Validates and normalises recipients: phones with libphonenumber, e-mail addresses by RFC 5321 limits. */
@Singleton
public class Recipients {

    static final String BULLETS = "•••";
    static final String PHONE_BULLETS = "•••••••";
    private static final int MAX_EMAIL = 254;
    private static final int MAX_LOCAL = 64;
    private static final Pattern PHONE_CHARS = Pattern.compile("\\+[0-9 ()./-]{4,30}");
    /** The characters of an RFC 5322 dot-atom besides letters and digits. */
    private static final String ATEXT_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";
    /** E.164 allows at most 15 digits; libphonenumber takes some longer national ranges as valid. */
    private static final int MAX_E164_DIGITS = 15;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TLD = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    /** What parsing a {@code to} gave: a recipient, or the reason it is not one (never quoting it). */
    public sealed interface Parsed {
    }

    public record Valid(Recipient recipient) implements Parsed {
    }

    public record Invalid(String reason) implements Parsed {
    }

    public Parsed parse(Channel channel, String to) {
        String[] why = new String[1];
        Optional<Recipient> parsed = channel == Channel.EMAIL ? email(to, why) : phone(to, why);
        return parsed.<Parsed>map(Valid::new).orElseGet(() -> new Invalid(why[0]));
    }

    private Optional<Recipient> phone(String to, String[] why) {
        String trimmed = to.strip();
        if (!PHONE_CHARS.matcher(trimmed).matches()) {
            why[0] = "must be a phone number in E.164 form, e.g. +14155550100";
            return Optional.empty();
        }
        PhoneNumber number;
        try {
            number = phones.parse(trimmed, "ZZ");
        } catch (NumberParseException e) {
            why[0] = "must be a phone number in E.164 form, e.g. +14155550100";
            return Optional.empty();
        }
        // the same test as isValidNumber (a number of no known type is not valid), done once for both answers
        PhoneNumberUtil.PhoneNumberType type = phones.getNumberType(number);
        if (type == PhoneNumberUtil.PhoneNumberType.UNKNOWN) {
            why[0] = "is not a valid phone number";
            return Optional.empty();
        }
        String e164 = phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        if (e164.length() - 1 > MAX_E164_DIGITS) {
            why[0] = "is not a valid phone number";
            return Optional.empty();
        }
        String region = Optional.ofNullable(phones.getRegionCodeForNumber(number)).orElse("ZZ");
        return Optional.of(new Recipient(Channel.SMS, e164, maskPhone(e164, number.getCountryCode()), region,
                number.getCountryCode(), type.name()));
    }

    private Optional<Recipient> email(String to, String[] why) {
        String address = to.strip();
        if (address.length() > MAX_EMAIL) {
            why[0] = "must be an e-mail address of at most " + MAX_EMAIL + " characters";
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at != address.indexOf('@') || at == address.length() - 1) {
            why[0] = "must be a plain e-mail address such as name@example.com (no display name)";
            return Optional.empty();
        }
        String local = address.substring(0, at);
        // checked as ASCII before any case mapping: Unicode lower-casing turns the Kelvin sign into 'k'
        String domain = asciiLowerCase(address.substring(at + 1));
        if (local.length() > MAX_LOCAL || !dotAtom(local)) {
            why[0] = "has an invalid local part (before the @)";
            return Optional.empty();
        }
        String[] labels = domain.split("\\.", -1);
        boolean domainOk = labels.length >= 2 && TLD.matcher(labels[labels.length - 1]).matches();
        for (String label : labels) {
            domainOk &= LABEL.matcher(label).matches();
        }
        if (!domainOk) {
            why[0] = "has an invalid domain (after the @)";
            return Optional.empty();
        }
        String normalised = asciiLowerCase(local) + "@" + domain;
        return Optional.of(new Recipient(Channel.EMAIL, normalised, maskEmail(normalised), "", 0, ""));
    }

    /** A dot-atom (RFC 5322): runs of letters, digits and ATEXT_SYMBOLS joined by single dots; ASCII only. */
    private static boolean dotAtom(String local) {
        boolean atomStart = true;
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    return false;
                }
                atomStart = true;
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || ATEXT_SYMBOLS.indexOf(c) >= 0)) {
                atomStart = false;
            } else {
                return false;
            }
        }
        return !atomStart;
    }

    /** Lower case for ASCII letters only; anything else stays as it is (and fails the ASCII checks). */
    private static String asciiLowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    /**
     * +14155550100 → +1•••••••0100: the country code, seven bullets whatever the number's length (which
     * would narrow it down, as the e-mail mask's three do not tell a name's), and the last four digits
     * (fewer of a short number, so that at least four stay hidden).
     */
    static String maskPhone(String e164, int countryCode) {
        String cc = Integer.toString(countryCode);
        String national = e164.substring(1 + cc.length());
        int shown = Math.min(4, Math.max(0, national.length() - 4));
        return "+" + cc + PHONE_BULLETS + national.substring(national.length() - shown);
    }

    /** alice@example.com → a•••e@example.com. */
    static String maskEmail(String address) {
        int at = address.indexOf('@');
        String local = address.substring(0, at);
        String last = local.length() > 2 ? local.substring(local.length() - 1) : "";
        return local.charAt(0) + BULLETS + last + address.substring(at);
    }
}
