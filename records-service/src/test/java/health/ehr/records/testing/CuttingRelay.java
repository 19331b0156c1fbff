package health.ehr.records.testing;

/**
 * Resets every connection to the real S3 server once records-service has sent more than
 * {@value #CUT_AFTER} bytes through it: requests with small bodies (bucket checks, multipart
 * initiation, abort, delete) pass, any part or object upload larger than that dies half-way, as when
 * the S3 server crashes or the network breaks mid-upload.
 */
public class CuttingRelay extends S3Relay {

    public static final int CUT_AFTER = 3 * 1024 * 1024;

    @Override
    protected boolean interfere(byte[] buffer, int n, long before) {
        return before + n > CUT_AFTER;
    }
}
