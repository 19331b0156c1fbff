package health.ehr.exchange.service;

/**
 * The exchange door refused a request (401). Carries what the request claimed, for the audit row;
 * those claims are not verified when the refusal came before the signature was.
 */
public class DoorRefusedException extends RuntimeException {

    private final Refusal refusal;
    private final String claimedIssuer;
    private final String claimedParty;

    public DoorRefusedException(Refusal refusal, String detail, String claimedIssuer, String claimedParty) {
        super(detail);
        this.refusal = refusal;
        this.claimedIssuer = claimedIssuer;
        this.claimedParty = claimedParty;
    }

    public Refusal refusal() {
        return refusal;
    }

    public String claimedIssuer() {
        return claimedIssuer;
    }

    public String claimedParty() {
        return claimedParty;
    }
}
