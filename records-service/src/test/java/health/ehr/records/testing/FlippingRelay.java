package health.ehr.records.testing;

/**
 * Flips one bit of byte {@value #FLIP_AT} of every connection to the real S3 server and passes
 * everything else unchanged: requests with small bodies go through intact, any object or part
 * larger than that reaches S3 with one bit changed, as a faulty link or NIC would deliver it.
 */
public class FlippingRelay extends S3Relay {

    public static final int FLIP_AT = 1024 * 1024;

    @Override
    protected boolean interfere(byte[] buffer, int n, long before) {
        if (before <= FLIP_AT && FLIP_AT < before + n) {
            buffer[(int) (FLIP_AT - before)] ^= 0x10;
        }
        return false;
    }
}
