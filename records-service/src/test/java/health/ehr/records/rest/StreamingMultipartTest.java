package health.ehr.records.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming multipart parser on bodies that arrive in awkward pieces. */
class StreamingMultipartTest {

    private static final String BOUNDARY = "----b0undary";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @Test
    void fieldsAndAFileWhoseContentNearlyContainsTheDelimiterComeBackExactly() throws IOException {
        Random random = new Random(1);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] noise = new byte[300_000];
        random.nextBytes(noise);
        file.write(noise, 0, 100_000);
        // Almost-delimiters inside the content, and one straddling where network reads end.
        file.write(("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "X").getBytes(StandardCharsets.US_ASCII));
        file.write("\r\n-".getBytes(StandardCharsets.US_ASCII));
        file.write(noise, 100_000, 200_000);
        file.write('\r');
        byte[] content = file.toByteArray();

        byte[] body = concat("preamble to ignore\r\n--" + BOUNDARY + "  \r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n\r\nA title; with \"quotes\"\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan; 1.bin\"\r\n"
                + "Content-Type: application/dicom\r\n\r\n", content, "\r\n--" + BOUNDARY + "--\r\nepilogue");

        for (int piece : new int[] {1, 7, 4096, 70_000}) {
            StreamingMultipart parts = new StreamingMultipart(TYPE, new Trickle(body, piece, random), body.length);
            StreamingMultipart.Part title = parts.next();
            assertEquals("title", title.fieldName());
            assertTrue(title.isFormField());
            assertEquals("A title; with \"quotes\"", new String(title.stream().readAllBytes(), StandardCharsets.UTF_8));
            StreamingMultipart.Part part = parts.next();
            assertEquals("file", part.fieldName());
            assertEquals("scan; 1.bin", part.fileName());
            assertEquals("application/dicom", part.contentType());
            assertFalse(part.isFormField());
            assertArrayEquals(content, readInPieces(part.stream(), piece), "pieces of " + piece);
            assertNull(parts.next());
        }
    }

    @Test
    void anUnreadPartIsSkippedAndAnEmptyPartIsEmpty() throws IOException {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"skipped\"\r\n\r\n"
                + "x".repeat(200_000) + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"e.bin\"\r\n\r\n\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        StreamingMultipart parts = new StreamingMultipart(TYPE, new ByteArrayInputStream(body), body.length);
        assertEquals("skipped", parts.next().fieldName());
        StreamingMultipart.Part empty = parts.next();
        assertEquals("e.bin", empty.fileName());
        assertEquals(0, empty.stream().readAllBytes().length);
        assertNull(parts.next());
    }

    @Test
    void malformedAndOversizedBodiesAreRefused() {
        byte[] wrongBoundary = ("--other\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--other--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThrows(StreamingMultipart.Malformed.class, () -> new StreamingMultipart(TYPE,
                new ByteArrayInputStream(wrongBoundary), 1000).next());
        assertThrows(StreamingMultipart.Malformed.class, () -> new StreamingMultipart("multipart/form-data",
                new ByteArrayInputStream(wrongBoundary), 1000));
        byte[] truncated = ("--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"
                + "half a file").getBytes(StandardCharsets.US_ASCII);
        assertThrows(StreamingMultipart.Malformed.class, () -> new StreamingMultipart(TYPE,
                new ByteArrayInputStream(truncated), 1000).next().stream().readAllBytes());
        byte[] big = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"
                + "y".repeat(100_000) + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThrows(StreamingMultipart.TooLarge.class, () -> new StreamingMultipart(TYPE,
                new ByteArrayInputStream(big), 50_000).next().stream().readAllBytes());
    }

    private static byte[] concat(String head, byte[] middle, String tail) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.getBytes(StandardCharsets.UTF_8));
        out.write(middle);
        out.write(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] readInPieces(InputStream in, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) != -1) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** A body that arrives in pieces of at most {@code piece} bytes, of random length, like a network stream. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int piece;
        private final Random random;

        Trickle(byte[] body, int piece, Random random) {
            this.in = new ByteArrayInputStream(body);
            this.piece = piece;
            this.random = random;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, 1 + random.nextInt(piece)));
        }
    }
}
