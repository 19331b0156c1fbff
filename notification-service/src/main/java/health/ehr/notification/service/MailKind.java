package health.ehr.notification.service;

/**
 * The mails the platform sends: a template pair ({@code templates/mail/<name>.html|.txt}), a subject,
 * and whether the mail is essential (security-relevant, sent even to parties who opted out).
 * Subjects and templates say that something happened and where to look; never reasons, record
 * titles or any other medical content.
 */
public enum MailKind {
    APPOINTMENT_BOOKED("appointment-booked", "An appointment was booked", false),
    APPOINTMENT_CANCELLED("appointment-cancelled", "An appointment was cancelled", false),
    APPOINTMENT_RESCHEDULED("appointment-rescheduled", "An appointment was moved", false),
    APPOINTMENT_REMINDER("appointment-reminder", "Reminder: you have an appointment", false),
    RECORD_SHARED("record-shared", "A new record is available to you", false),
    CONSENT_GRANTED("consent-granted", "A consent to access records is now active", true),
    CONSENT_REVOKED("consent-revoked", "A consent to access records was revoked", true),
    EMERGENCY_ACCESS("emergency-access", "Your records were opened with emergency access", true);

    private final String template;
    private final String subject;
    private final boolean essential;

    MailKind(String template, String subject, boolean essential) {
        this.template = template;
        this.subject = subject;
        this.essential = essential;
    }

    public String template() {
        return template;
    }

    public String subject() {
        return subject;
    }

    public boolean essential() {
        return essential;
    }

    /** The kind of a stored template name. */
    public static MailKind ofTemplate(String template) {
        for (MailKind k : values()) {
            if (k.template.equals(template)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown mail template " + template);
    }
}
