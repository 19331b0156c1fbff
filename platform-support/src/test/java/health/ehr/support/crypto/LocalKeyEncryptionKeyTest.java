package health.ehr.support.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LocalKeyEncryptionKeyTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
        29, 30, 31, 32});

    @Test
    void wrapsAndUnwrapsBoundToItsAssociatedData() throws Exception {
        KeyEncryptionKey kek = LocalKeyEncryptionKey.fromBase64("k1", KEY);
        byte[] secret = "a data key".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "record-1".getBytes(StandardCharsets.UTF_8);

        byte[] wrapped = kek.encrypt(secret, aad);

        assertArrayEquals(secret, kek.decrypt(wrapped, aad));
        assertThrows(GeneralSecurityException.class,
                () -> kek.decrypt(wrapped, "record-2".getBytes(StandardCharsets.UTF_8)));
        assertThrows(GeneralSecurityException.class,
                () -> LocalKeyEncryptionKey.fromBase64("k2", OTHER).decrypt(wrapped, aad));
    }

    @Test
    void refusesKeysThatAreNot32BytesOfBase64() {
        assertThrows(IllegalArgumentException.class, () -> LocalKeyEncryptionKey.fromBase64("k", "short"));
        assertThrows(IllegalArgumentException.class,
                () -> LocalKeyEncryptionKey.fromBase64("k", Base64.getEncoder().encodeToString(new byte[16])));
    }
}
