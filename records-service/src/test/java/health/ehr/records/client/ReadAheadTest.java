package health.ehr.records.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The read-ahead under downloads: same bytes, source failures passed on, a stalled source bounded. */
class ReadAheadTest {

    @Test
    void passesEveryByteInOrderWhateverTheReadSizes() throws IOException {
        byte[] bytes = new byte[ReadAhead.CHUNK * 9 + 12_345];
        new Random(7).nextBytes(bytes);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream in = ReadAhead.of(new ByteArrayInputStream(bytes), Duration.ofSeconds(10))) {
            byte[] buffer = new byte[1000]; // not a divisor of the chunk size
            int n;
            while ((n = in.read(buffer)) != -1) {
                read.write(buffer, 0, n);
            }
            assertEquals(-1, in.read(), "the end stays the end");
        }
        assertArrayEquals(bytes, read.toByteArray());
    }

    @Test
    void aSourceFailureReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
        int good = ReadAhead.CHUNK * 2;
        InputStream failing = new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                if (position == good) {
                    throw new IOException("connection reset by S3");
                }
                position++;
                return 42;
            }
        };
        try (InputStream in = ReadAhead.of(failing, Duration.ofSeconds(10))) {
            assertEquals(good, in.readNBytes(good).length);
            IOException failure = assertThrows(IOException.class, () -> in.read());
            assertTrue(failure.getMessage().contains("connection reset by S3"), failure.getMessage());
            assertThrows(IOException.class, () -> in.read(), "a failed stream never ends cleanly afterwards");
        }
    }

    @Test
    void anAbandonedStreamLetsGoOfItsSourceAfterTheStallTimeout() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 7);
                return len;
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        // Opened and never read nor closed, like a response that was never written.
        InputStream in = ReadAhead.of(endless, Duration.ofMillis(300));
        assertTrue(closed.await(5, TimeUnit.SECONDS), "the source was closed without anybody reading");
        // What was read ahead is still there; after it, a clear failure rather than a clean end.
        assertEquals(ReadAhead.CHUNK * ReadAhead.DEPTH, in.readNBytes(ReadAhead.CHUNK * ReadAhead.DEPTH).length);
        SocketTimeoutException failure = assertThrows(SocketTimeoutException.class, () -> in.read());
        assertTrue(failure.getMessage().contains("nobody read"), failure.getMessage());
    }

    @Test
    void aStalledSourceTimesOutAndIsClosed() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream stalled = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    closed.await(); // like a socket read: returns only when the connection is closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        InputStream in = ReadAhead.of(stalled, Duration.ofMillis(300));
        long started = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[10]));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "waited for the timeout");
        assertTrue(closed.await(5, TimeUnit.SECONDS), "the stalled source was closed");
    }
}
