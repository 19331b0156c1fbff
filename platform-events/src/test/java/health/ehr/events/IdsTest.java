package health.ehr.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void bytesAreTheUuidsHexDigitsInOrder() {
        UUID id = UUID.fromString("01234567-89ab-cdef-fedc-ba9876543210");
        assertArrayEquals(HexFormat.of().parseHex("0123456789abcdeffedcba9876543210"), Ids.bytes(id));
    }

    @Test
    void uuidReadsBackWhatBytesWrote() {
        UUID id = Ids.timeOrdered();
        assertEquals(id, Ids.uuid(Ids.bytes(id)));
    }

    @Test
    void uuidRefusesAnythingButSixteenBytes() {
        assertThrows(IllegalArgumentException.class, () -> Ids.uuid(new byte[15]));
    }
}
